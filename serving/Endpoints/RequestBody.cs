using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>Reads a request body into memory, refusing one above the configured size before it is all read.</summary>
internal static class RequestBody
{
    /// <summary>The body's bytes (a view of the buffer they were read into: no copy of a large body).</summary>
    public static async Task<ArraySegment<byte>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        LiftServerLimit(request);
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

    /// <summary>
    /// Lets the body through Kestrel's own limit (30 MB unless configured), which would refuse a body within
    /// Vae:MaxRequestBytes with an exception; the readers count every byte against Vae:MaxRequestBytes instead.
    /// </summary>
    public static void LiftServerLimit(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
    }

    /// <summary>The refusal of a body above <paramref name="maxBytes"/>.</summary>
    public static BadRequestException TooLarge(long maxBytes) =>
        new($"the body is larger than {maxBytes} bytes (Vae:MaxRequestBytes); send fewer rows per request", statusCode: StatusCodes.Status413PayloadTooLarge);
}
