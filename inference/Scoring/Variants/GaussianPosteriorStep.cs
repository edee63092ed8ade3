namespace VaeOnnx.Inference.Scoring;

/// <summary>A Gaussian posterior q(z|x) = N(mu, exp(logvar)): z = mu is decoded, and the score reads mu and logvar (closed-form KL).</summary>
internal sealed class GaussianPosteriorStep(int latentDim) : PosteriorStep
{
    /// <inheritdoc />
    public override int Draws => 0;

    /// <inheritdoc />
    public override BlockArrays Arrays => BlockArrays.None;

    /// <inheritdoc />
    public override float[] Decoded(ScoringBuffers buffers) => buffers.Mu;

    /// <inheritdoc />
    public override void FeedEncoder(GraphCall encoder)
    {
    }

    /// <inheritdoc />
    public override void FeedScore(GraphCall score) =>
        score.In(AnomalyScoreGraph.Mu, ScoringBuffers.Value(b => b.Mu, latentDim)).In(AnomalyScoreGraph.LogVar, ScoringBuffers.Value(b => b.LogVar, latentDim));

    /// <inheritdoc />
    public override void AfterEncode(ScoringBuffers buffers, int rows)
    {
    }

    /// <summary>mu + exp(logvar/2) eps per row.</summary>
    public override void Sample(ScoringBuffers buffers, int rows, int seed, Action encode)
    {
        encode();
        int l = latentDim;
        for (int r = 0; r < rows; r++)
            LatentNoise.GaussianDraw(seed, buffers.Mu.AsSpan(r * l, l), buffers.LogVar.AsSpan(r * l, l), buffers.Latent.AsSpan(r * l, l));
    }
}
