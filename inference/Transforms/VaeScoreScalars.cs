using Microsoft.ML.Data;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The anomaly score and its parts as single floats.</summary>
public sealed class VaeScoreScalars
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(VaeScoringGraphs.Prefix + "score_value")] public float Score { get; set; }
    /// <summary>Reconstruction term.</summary>
    [ColumnName(VaeScoringGraphs.Prefix + "recon_value")] public float Reconstruction { get; set; }
    /// <summary>KL term.</summary>
    [ColumnName(VaeScoringGraphs.Prefix + "kl_value")] public float Kl { get; set; }
    /// <summary>Squared reconstruction error.</summary>
    [ColumnName(VaeScoringGraphs.Prefix + "sqerr_value")] public float SquaredError { get; set; }
}
