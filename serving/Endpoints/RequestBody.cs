using Microsoft.AspNetCore.Http;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>Reads a request body into memory, refusing one above the configured size before it is all read.</summary>
internal static class RequestBody
{
    /// <summary>The body's bytes (a view of the buffer they were read into: no copy of a large body).</summary>
    public static async Task<ArraySegment<byte>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        using var memory = new MemoryStream(request.ContentLength is long n and > 0 ? (int)Math.Min(n, int.MaxValue) : 4096);
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancel)) > 0)
        {
            if (memory.Length + read > maxBytes) throw TooLarge(maxBytes);
            memory.Write(buffer, 0, read);
        }
        return new ArraySegment<byte>(memory.GetBuffer(), 0, (int)memory.Length);
    }

    private static BadRequestException TooLarge(long maxBytes) =>
        new($"the body is larger than {maxBytes} bytes (Vae:MaxRequestBytes); send fewer rows per request", statusCode: StatusCodes.Status413PayloadTooLarge);
}
