using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>A table score, its parts and the anomaly flag as single values.</summary>
internal sealed class VaeTableScoreScalars
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score_value")] public float Score { get; set; }
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon_value")] public float Reconstruction { get; set; }
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl_value")] public float Kl { get; set; }
    /// <summary>Score above the pair's threshold.</summary>
    [ColumnName(SavedChain.Prefix + "is_anomaly_value")] public bool IsAnomaly { get; set; }
}
