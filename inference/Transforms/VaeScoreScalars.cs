using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The anomaly score and its parts as single floats.</summary>
internal sealed class VaeScoreScalars
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score_value")] public float Score { get; set; }
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon_value")] public float Reconstruction { get; set; }
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl_value")] public float Kl { get; set; }
    /// <summary>Squared reconstruction error.</summary>
    [ColumnName(SavedChain.Prefix + "sqerr_value")] public float SquaredError { get; set; }
}
