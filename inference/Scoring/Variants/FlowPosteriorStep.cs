using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// A flow posterior: the encoder takes noise draws [rows, R, L] and returns z and log q(z|x) for each. Zero noise gives the
/// flow of the mean, which reconstruction and the score decode; the score's KL estimate uses <see cref="KlDraws"/> more.
/// </summary>
internal sealed class FlowPosteriorStep(VaeModel model, PosteriorSpec flow, int draws) : PosteriorStep
{
    /// <summary>
    /// Draws of the anomaly score's KL estimate for a flow posterior: KL(q(z|x) || p(z)) has no closed form after the flow,
    /// so the score uses the mean of log q(z|x) - log p(z) over this many fixed draws (the same for every row).
    /// </summary>
    public const int KlDraws = 32;

    private readonly int _latentDim = model.LatentDim;

    /// <inheritdoc />
    public override int Draws => draws;

    /// <inheritdoc />
    public override BlockArrays Arrays => BlockArrays.Flow;

    /// <inheritdoc />
    public override float[] Decoded(ScoringBuffers buffers) => buffers.Latent;

    /// <inheritdoc />
    public override void FeedEncoder(GraphCall encoder) =>
        encoder.In(flow.EpsInput, ScoringBuffers.Value(b => b.Eps, [draws, _latentDim]))
            .Out(flow.ZOutput, ScoringBuffers.Value(b => b.Z, [draws, _latentDim]))
            .Out(flow.LogQOutput, ScoringBuffers.Value(b => b.LogQ, [draws]));

    /// <inheritdoc />
    public override void FeedScore(GraphCall score) =>
        score.In(AnomalyScoreGraph.Z, ScoringBuffers.Value(b => b.Z, [draws, _latentDim])).In(AnomalyScoreGraph.LogQ, ScoringBuffers.Value(b => b.LogQ, [draws]));

    /// <summary>The first draw of each row (zero noise: the flow of mu) into <see cref="ScoringBuffers.Latent"/>, the z that is decoded.</summary>
    public override void AfterEncode(ScoringBuffers buffers, int rows)
    {
        int l = _latentDim;
        for (int i = 0; i < rows; i++) buffers.Z.AsSpan(i * draws * l, l).CopyTo(buffers.Latent.AsSpan(i * l, l));
    }

    /// <summary>The encoder with zero noise gives mu and logvar; the noise drawn from them goes through the encoder again, which applies the flow.</summary>
    public override void Sample(ScoringBuffers buffers, int rows, int seed, Action encode)
    {
        int l = _latentDim;
        Array.Clear(buffers.Eps, 0, rows * draws * l);
        encode();
        Span<double> eps = stackalloc double[l];
        for (int r = 0; r < rows; r++)
        {
            LatentNoise.Draw(seed, buffers.Mu.AsSpan(r * l, l), buffers.LogVar.AsSpan(r * l, l), eps);
            for (int j = 0; j < l; j++) buffers.Eps[r * l + j] = (float)eps[j];
        }
        encode();
        buffers.Z.AsSpan(0, rows * l).CopyTo(buffers.Latent);
    }

    /// <summary>With the KL estimate's draws: every row's noise is <see cref="KlNoise"/>, set once per buffers.</summary>
    public override void Prepare(ScoringBuffers buffers)
    {
        if (draws == 1) return;
        var noise = KlNoise(_latentDim);
        for (int i = 0; i < buffers.BlockSize; i++) noise.CopyTo(buffers.Eps, i * noise.Length);
    }

    /// <summary>
    /// The noise of one row of the anomaly score for a flow posterior, [1 + <see cref="KlDraws"/>, L]: zeros (the flow of
    /// mu), then the KL estimate's fixed draws, the same for every row.
    /// </summary>
    public static float[] KlNoise(int latentDim)
    {
        var noise = new float[(1 + KlDraws) * latentDim];
        LatentNoise.Fixed(KlDraws * latentDim, stream: 0x5C0DE).CopyTo(noise, latentDim);
        return noise;
    }
}
