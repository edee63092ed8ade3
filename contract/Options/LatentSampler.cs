using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>Where generated latent codes come from.</summary>
[JsonConverter(typeof(ContractEnumConverter<LatentSampler>))]
public enum LatentSampler
{
    /// <summary>The prior N(0, I) the model was trained with.</summary>
    [JsonStringEnumMemberName("prior")]
    Prior,

    /// <summary>The Gaussian mixture fitted to the training codes and stored in the pair (<see cref="LatentMixture"/>).</summary>
    [JsonStringEnumMemberName("gmm")]
    Gmm,
}
