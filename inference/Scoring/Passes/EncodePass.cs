using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>x -> mu, logvar: the encoder alone (a flow posterior's with zero noise). A full block is one bound ONNX Runtime call.</summary>
internal sealed class EncodePass : ScoringPass
{
    private GraphCall _encoder = null!;

    /// <summary>Opens the encoder of <paramref name="model"/>, a vector pair.</summary>
    public EncodePass(VaeModel model) : this(model, PosteriorStep.For(model))
    {
    }

    private EncodePass(VaeModel model, PosteriorStep posterior) : base(model, BlockArrays.Input | BlockArrays.LogVar | posterior.Arrays, posterior.Draws)
    {
        Open(() =>
        {
            RequireVectorPair();
            _encoder = Encoder(model.Options, posterior);
        });
    }

    private protected override void Run(ScoringBuffers buffers, int rows, List<OrtValue> made)
    {
        if (rows == buffers.BlockSize) _encoder.RunBound(RunOptions, buffers);
        else _encoder.Run(RunOptions, buffers, rows, made);
    }
}
