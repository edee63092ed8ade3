using Microsoft.AspNetCore.Authentication;

namespace VaeOnnx.Serving.Security;

/// <summary>The API key scheme's settings: the keys that are accepted (none: the scheme authenticates nobody and the service is open).</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The scheme's name.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The request header that carries the key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The accepted keys (<c>Vae:ApiKeys</c>).</summary>
    public IReadOnlyList<string> Keys { get; set; } = [];
}
