using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>The family of the approximate posterior q(z|x).</summary>
[JsonConverter(typeof(ContractEnumConverter<PosteriorKind>))]
public enum PosteriorKind
{
    /// <summary>A diagonal Gaussian N(mu(x), diag exp(logvar(x))), closed-form KL to the prior.</summary>
    [JsonStringEnumMemberName("gaussian")]
    Gaussian,

    /// <summary>
    /// The diagonal Gaussian followed by steps of an inverse autoregressive flow (Kingma et al., 2016): each step maps
    /// z to sigma * z + (1 - sigma) * m with (m, sigma) from a masked autoregressive network of z and the encoder's last
    /// hidden layer; the KL is estimated from samples.
    /// </summary>
    [JsonStringEnumMemberName("iaf")]
    Iaf,
}
