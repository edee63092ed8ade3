namespace VaeOnnx.Inference.Blocks;

/// <summary>What a block of rows is scored for.</summary>
public enum VaeBlockKind
{
    /// <summary>x -> mu, logvar.</summary>
    Encode,
    /// <summary>z -> x_hat.</summary>
    Decode,
    /// <summary>x -> decode(mu).</summary>
    Reconstruct,
    /// <summary>x -> score, recon, kl, sqerr.</summary>
    AnomalyScore,
}
