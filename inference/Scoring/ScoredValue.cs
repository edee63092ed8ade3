namespace VaeOnnx.Inference.Scoring;

/// <summary>A per-row value the engine computes, served as an output column.</summary>
internal enum ScoredValue
{
    /// <summary>Posterior mean [L] (for decoding, the z that was decoded).</summary>
    Mu,
    /// <summary>Posterior log-variance [L].</summary>
    LogVar,
    /// <summary>Decoder output [D].</summary>
    XHat,
    /// <summary>Anomaly score.</summary>
    Score,
    /// <summary>Reconstruction term.</summary>
    Reconstruction,
    /// <summary>KL term.</summary>
    Kl,
    /// <summary>Squared reconstruction error.</summary>
    SquaredError,
    /// <summary>A draw of q(z|x) [L] (after the flow for a flow posterior).</summary>
    Z,
    /// <summary>Table pairs: each column's share of the reconstruction term [C].</summary>
    Contributions,
    /// <summary>Table pairs: the score is above the pair's calibrated threshold.</summary>
    IsAnomaly,
}
