using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The saved table score graph's one-row outputs as ML.NET reads them: one-element vectors (ONNX [1]).</summary>
internal sealed class VaeTableScoreVectors
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score"), VectorType(1)] public float[] Score { get; set; } = [];
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon"), VectorType(1)] public float[] Reconstruction { get; set; } = [];
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl"), VectorType(1)] public float[] Kl { get; set; } = [];
    /// <summary>Score above the pair's threshold.</summary>
    [ColumnName(SavedChain.Prefix + "is_anomaly"), VectorType(1)] public bool[] IsAnomaly { get; set; } = [];
}
