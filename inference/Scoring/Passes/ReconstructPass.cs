using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>x -> decode(mu): the encoder, then the decoder of the posterior's mean (after the flow, for a flow posterior).</summary>
internal sealed class ReconstructPass : ScoringPass
{
    private readonly PosteriorStep _posterior;
    private GraphCall _encoder = null!, _decoder = null!;

    /// <summary>Opens the encoder and decoder of <paramref name="model"/>, a vector pair.</summary>
    public ReconstructPass(VaeModel model) : this(model, PosteriorStep.For(model))
    {
    }

    private ReconstructPass(VaeModel model, PosteriorStep posterior)
        : base(model, BlockArrays.Input | BlockArrays.LogVar | BlockArrays.XHat | BlockArrays.Latent | posterior.Arrays, posterior.Draws)
    {
        _posterior = posterior;
        Open(() =>
        {
            RequireVectorPair();
            _encoder = Encoder(TakingTurns, posterior);
            _decoder = Decoder(TakingTurns, posterior.Decoded, model.DecoderOutput);
        });
    }

    private protected override void Run(ScoringBuffers buffers, int rows, List<OrtValue> made)
    {
        _encoder.Run(RunOptions, buffers, rows, made);
        _posterior.AfterEncode(buffers, rows);
        _decoder.Run(RunOptions, buffers, rows, made);
    }
}
