using Microsoft.ML.Data;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The latent draw per row.</summary>
public sealed class VaeLatentSampleOutput
{
    /// <summary>z = mu + exp(logvar / 2) * eps.</summary>
    [ColumnName(VaeScoringGraphs.Prefix + "s_z")] public float[] Z { get; set; } = [];
}
