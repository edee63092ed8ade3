using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The posterior noise per row, fed to a flow posterior's encoder.</summary>
internal sealed class VaeLatentNoise
{
    /// <summary>eps, L standard normal values.</summary>
    [ColumnName(SavedChain.Prefix + "eps")] public float[] Eps { get; set; } = [];
}
