using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// x -> z, a seeded draw of q(z|x) per row into <see cref="ScoringBuffers.Latent"/>: the encoder and the posterior's own
/// draw (for a flow posterior the noise goes through the encoder again, which applies the flow).
/// </summary>
internal sealed class SamplePosteriorPass : ScoringPass
{
    private readonly PosteriorStep _posterior;
    private readonly int _seed;
    private GraphCall _encoder = null!;

    /// <summary>Opens the encoder of <paramref name="model"/>, a vector pair; <paramref name="seed"/> seeds the draws.</summary>
    public SamplePosteriorPass(VaeModel model, int seed) : this(model, PosteriorStep.For(model), seed)
    {
    }

    private SamplePosteriorPass(VaeModel model, PosteriorStep posterior, int seed)
        : base(model, BlockArrays.Input | BlockArrays.LogVar | BlockArrays.Latent | posterior.Arrays, posterior.Draws)
    {
        (_posterior, _seed) = (posterior, seed);
        Open(() =>
        {
            RequireVectorPair();
            _encoder = Encoder(model.Options, posterior);
        });
    }

    private protected override void Run(ScoringBuffers buffers, int rows, List<OrtValue> made) =>
        _posterior.Sample(buffers, rows, _seed, () => _encoder.Run(RunOptions, buffers, rows, made));
}
