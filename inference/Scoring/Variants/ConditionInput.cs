namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The condition variant, composed into a pass's graphs: a conditional pair's graphs take the block's one-hot conditions
/// c [rows, K] beside their other inputs; an unconditional pair's take nothing more.
/// </summary>
internal sealed class ConditionInput
{
    private readonly string? _encoderInput, _decoderInput;
    private readonly int _width;

    private ConditionInput(string? encoderInput, string? decoderInput, int width) => (_encoderInput, _decoderInput, _width) = (encoderInput, decoderInput, width);

    /// <summary>The condition of <paramref name="model"/>: its graphs' condition inputs, or none for an unconditional pair.</summary>
    public static ConditionInput For(VaeModel model) =>
        model.IsConditional ? new(model.EncoderConditionInput, model.DecoderConditionInput, model.ConditionDim) : new(null, null, 0);

    /// <summary>Feeds the encoder's condition input, if it has one.</summary>
    public void FeedEncoder(GraphCall encoder) => Feed(encoder, _encoderInput);

    /// <summary>Feeds the decoder's condition input, if it has one.</summary>
    public void FeedDecoder(GraphCall decoder) => Feed(decoder, _decoderInput);

    private void Feed(GraphCall graph, string? input)
    {
        if (input is not null) graph.In(input, ScoringBuffers.Value(b => b.Condition, _width));
    }
}
