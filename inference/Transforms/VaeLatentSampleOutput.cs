using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The latent draw per row.</summary>
internal sealed class VaeLatentSampleOutput
{
    /// <summary>z = mu + exp(logvar / 2) * eps.</summary>
    [ColumnName(SavedChain.Prefix + "s_z")] public float[] Z { get; set; } = [];
}
