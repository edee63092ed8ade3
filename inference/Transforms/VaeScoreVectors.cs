using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The anomaly-score graph's outputs as ML.NET reads them: one-element vectors (ONNX [N] with N = 1 per row).</summary>
internal sealed class VaeScoreVectors
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score"), VectorType(1)] public float[] Score { get; set; } = [];
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon"), VectorType(1)] public float[] Reconstruction { get; set; } = [];
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl"), VectorType(1)] public float[] Kl { get; set; } = [];
    /// <summary>Squared reconstruction error.</summary>
    [ColumnName(SavedChain.Prefix + "sqerr"), VectorType(1)] public float[] SquaredError { get; set; } = [];
}
