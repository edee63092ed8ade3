namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The posterior variant, composed into the passes that encode: how the encoder's outputs become the z that is decoded,
/// what the anomaly score graph reads of the posterior, and how a seeded draw of q(z|x) is made. A Gaussian posterior
/// (<see cref="GaussianPosteriorStep"/>) works on mu and logvar alone; a flow posterior (<see cref="FlowPosteriorStep"/>)
/// runs noise draws through the encoder, which applies the flow.
/// </summary>
internal abstract class PosteriorStep
{
    /// <summary>The posterior of <paramref name="model"/>; a flow's encoder runs with <paramref name="draws"/> noise draws per row.</summary>
    public static PosteriorStep For(VaeModel model, int draws = 1) =>
        model.Posterior is { } flow ? new FlowPosteriorStep(model, flow, draws) : new GaussianPosteriorStep(model.LatentDim);

    /// <summary>Noise draws per row of the encoder (0 for a Gaussian posterior).</summary>
    public abstract int Draws { get; }

    /// <summary>The block arrays the step needs beyond the encoder's mu and logvar.</summary>
    public abstract BlockArrays Arrays { get; }

    /// <summary>The array holding the z that reconstruction and the score decode (after <see cref="AfterEncode"/>).</summary>
    public abstract float[] Decoded(ScoringBuffers buffers);

    /// <summary>Adds the step's own encoder inputs and outputs.</summary>
    public abstract void FeedEncoder(GraphCall encoder);

    /// <summary>Adds what the anomaly score graph reads of the posterior.</summary>
    public abstract void FeedScore(GraphCall score);

    /// <summary>Puts the z to decode in place once the encoder has run on the first <paramref name="rows"/> rows.</summary>
    public abstract void AfterEncode(ScoringBuffers buffers, int rows);

    /// <summary>
    /// A seeded draw of q(z|x) per row into <see cref="ScoringBuffers.Latent"/>, with the noise of <see cref="LatentNoise"/>
    /// (what <c>VaeSampleLatent</c> draws from the same mu and logvar); <paramref name="encode"/> runs the encoder on the block.
    /// </summary>
    public abstract void Sample(ScoringBuffers buffers, int rows, int seed, Action encode);

    /// <summary>Fills what new buffers hold for every block.</summary>
    public virtual void Prepare(ScoringBuffers buffers)
    {
    }
}
