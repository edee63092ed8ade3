namespace VaeOnnx.Inference.Blocks;

/// <summary>A value a block cursor serves as an output column.</summary>
public enum VaeBlockOutput
{
    /// <summary>Posterior mean [L].</summary>
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
}
