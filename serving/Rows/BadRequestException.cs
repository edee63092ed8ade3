using Microsoft.AspNetCore.Http;

namespace VaeOnnx.Serving.Rows;

/// <summary>A request the service cannot serve as sent; answered with <see cref="StatusCode"/> (400 unless said) and this message.</summary>
public sealed class BadRequestException(string message, Exception? inner = null, int statusCode = StatusCodes.Status400BadRequest) : Exception(message, inner)
{
    /// <summary>The HTTP status of the answer.</summary>
    public int StatusCode { get; } = statusCode;
}
