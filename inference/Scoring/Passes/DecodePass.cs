using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// z -> x_hat: the decoder alone, reading z from <see cref="ScoringBuffers.Mu"/> (and the condition). A full block is one
/// bound ONNX Runtime call. Table pairs decode too (their logits, for synthesis).
/// </summary>
internal sealed class DecodePass : ScoringPass
{
    private GraphCall _decoder = null!;

    /// <summary>Opens the decoder of <paramref name="model"/>.</summary>
    public DecodePass(VaeModel model) : base(model, BlockArrays.XHat) =>
        Open(() => _decoder = Decoder(model.Options, b => b.Mu, model.DecoderOutput));

    /// <inheritdoc />
    public override int InputWidth => Model.LatentDim;

    /// <inheritdoc />
    public override float[] InputOf(ScoringBuffers buffers) => buffers.Mu;

    private protected override void Run(ScoringBuffers buffers, int rows, List<OrtValue> made)
    {
        if (rows == buffers.BlockSize) _decoder.RunBound(RunOptions, buffers);
        else _decoder.Run(RunOptions, buffers, rows, made);
    }
}
