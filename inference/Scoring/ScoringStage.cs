namespace VaeOnnx.Inference.Scoring;

/// <summary>How far a row is taken through the pair; each stage includes the graphs of the ones it builds on.</summary>
internal enum ScoringStage
{
    /// <summary>x -> mu, logvar (encoder).</summary>
    Encode,
    /// <summary>z -> x_hat (decoder).</summary>
    Decode,
    /// <summary>x -> decode(mu) (encoder, decoder).</summary>
    Reconstruct,
    /// <summary>x -> score, recon, kl, sqerr (encoder, decoder, score graph).</summary>
    AnomalyScore,
    /// <summary>x -> z, a seeded draw of q(z|x) (encoder; for a flow posterior the flow applied to the draw).</summary>
    SamplePosterior,

    /// <summary>Table pairs: typed columns -> score, recon, kl and each column's contribution (encoder, decoder, table score graph).</summary>
    TableScore,
}
