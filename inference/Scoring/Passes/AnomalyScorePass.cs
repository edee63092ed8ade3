using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// x -> score, recon, kl, sqerr: the encoder, the decoder of the posterior's mean, and the anomaly score graph
/// (<see cref="AnomalyScoreGraph"/>). A flow posterior's encoder runs with the KL estimate's fixed draws besides the mean's.
/// </summary>
internal sealed class AnomalyScorePass : ScoringPass
{
    private const BlockArrays Arrays = BlockArrays.Input | BlockArrays.LogVar | BlockArrays.XHat | BlockArrays.Latent | BlockArrays.ScoreParts | BlockArrays.SquaredError;
    private readonly PosteriorStep _posterior;
    private GraphCall _encoder = null!, _decoder = null!, _score = null!;

    /// <summary>Opens the encoder, the decoder and the score graph of <paramref name="model"/>, a vector pair.</summary>
    public AnomalyScorePass(VaeModel model) : this(model, PosteriorStep.For(model, draws: 1 + FlowPosteriorStep.KlDraws))
    {
    }

    private AnomalyScorePass(VaeModel model, PosteriorStep posterior) : base(model, Arrays | posterior.Arrays, posterior.Draws)
    {
        _posterior = posterior;
        Open(() =>
        {
            RequireVectorPair();
            _encoder = Encoder(TakingTurns, posterior);
            _decoder = Decoder(TakingTurns, posterior.Decoded, model.DecoderOutput);
            _score = Graph(AnomalyScoreGraph.Build(model), TakingTurns).In(AnomalyScoreGraph.X, ScoringBuffers.Value(b => b.Input, model.InputDim));
            posterior.FeedScore(_score);
            _score.In(AnomalyScoreGraph.XHat, ScoringBuffers.Value(b => b.XHat, model.InputDim))
                .Out(VaeScoreParts.Score, ScoringBuffers.Value(b => b.Score, 0))
                .Out(VaeScoreParts.Reconstruction, ScoringBuffers.Value(b => b.Reconstruction, 0))
                .Out(VaeScoreParts.Kl, ScoringBuffers.Value(b => b.Kl, 0))
                .Out(VaeScoreParts.SquaredError, ScoringBuffers.Value(b => b.SquaredError, 0));
        });
    }

    private protected override void Prepare(ScoringBuffers buffers) => _posterior.Prepare(buffers);

    private protected override void Run(ScoringBuffers buffers, int rows, List<OrtValue> made)
    {
        _encoder.Run(RunOptions, buffers, rows, made);
        _posterior.AfterEncode(buffers, rows);
        _decoder.Run(RunOptions, buffers, rows, made);
        _score.Run(RunOptions, buffers, rows, made);
    }
}
