namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The arrays of <see cref="ScoringBuffers"/> a pass reads or writes beyond the posterior mean and the condition, which
/// every block has: a pass allocates only these, so that a decoder-only block does not carry megabytes of encoder arrays.
/// </summary>
[Flags]
internal enum BlockArrays
{
    /// <summary>Only the posterior means and the conditions.</summary>
    None = 0,
    /// <summary>Raw input rows x (a table pair's encoder writes its features here).</summary>
    Input = 1,
    /// <summary>Posterior log-variances.</summary>
    LogVar = 2,
    /// <summary>Decoder outputs (a table pair's logits).</summary>
    XHat = 4,
    /// <summary>Score, reconstruction and KL terms.</summary>
    ScoreParts = 8,
    /// <summary>Squared reconstruction errors.</summary>
    SquaredError = 16,
    /// <summary>A flow posterior's noise, draws and log q(z|x) (allocated when the pass has draws).</summary>
    Flow = 32,
    /// <summary>The z a pass outputs or decodes when it is not the posterior mean.</summary>
    Latent = 64,
    /// <summary>A table pair's cells, observed and unknown masks and per-column contributions.</summary>
    Table = 128,
}
