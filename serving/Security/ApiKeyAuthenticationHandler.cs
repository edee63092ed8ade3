using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VaeOnnx.Serving.Security;

/// <summary>
/// Authenticates a request by the key in its <see cref="ApiKeyAuthenticationOptions.Header"/> header. The client is named
/// <c>key-N</c> (the key's place in <c>Vae:ApiKeys</c>), never by the key itself, so that neither logs nor rate-limit
/// partitions hold a key. Keys are compared by their SHA-256 in constant time.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.Keys.Count == 0 || !Request.Headers.TryGetValue(ApiKeyAuthenticationOptions.Header, out var sent) || sent.Count != 1 || string.IsNullOrEmpty(sent[0]))
            return Task.FromResult(AuthenticateResult.NoResult());
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sent[0]!));
        int match = -1;
        for (int i = 0; i < Options.Keys.Count; i++)
            if (CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(Options.Keys[i]))) && match < 0) match = i;
        if (match < 0) return Task.FromResult(AuthenticateResult.Fail("wrong API key"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, $"key-{match + 1}")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{ApiKeyAuthenticationOptions.Scheme} header=\"{ApiKeyAuthenticationOptions.Header}\"";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: $"a missing or wrong API key: send one of the service's keys (Vae:ApiKeys) in the {ApiKeyAuthenticationOptions.Header} header").ExecuteAsync(Context);
    }
}
