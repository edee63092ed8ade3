using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// What a pair's graphs declare, checked against each other: an encoder taking one row x ([N, D] features, or an image
/// [N, C, H, W] / [N, H, W, C] with fixed sizes) to the mean and spread of q(z|x) ([N, L] each; other outputs, such as a
/// sampled z, ignored), and a decoder taking z [N, L] to one output that holds the encoder's row. The batch dimension is
/// symbolic (or a fixed batch of one). The latent size L and the decoder output's sizes may be symbolic: the loader then
/// finds them by running the graphs (<see cref="LoadProbe"/>).
/// </summary>
internal sealed record PairShapes
{
    /// <summary>The encoder's input as the file declares it.</summary>
    public required OnnxValueInfo EncoderInput { get; init; }
    /// <summary>The row that input holds.</summary>
    public required SampleShape Sample { get; init; }
    /// <summary>The encoder output holding the mean.</summary>
    public required OnnxValueInfo Mean { get; init; }
    /// <summary>The encoder output holding the spread.</summary>
    public required OnnxValueInfo Spread { get; init; }
    /// <summary>What <see cref="Spread"/> holds.</summary>
    public required SpreadKind SpreadKind { get; init; }
    /// <summary>Encoder outputs not used.</summary>
    public required IReadOnlyList<OnnxValueInfo> Ignored { get; init; }
    /// <summary>The decoder's input as the file declares it.</summary>
    public required OnnxValueInfo DecoderInput { get; init; }
    /// <summary>The decoder's output as the file declares it.</summary>
    public required OnnxValueInfo DecoderOutput { get; init; }
    /// <summary>L where the mean, the spread or the decoder input fixes it; null when all three leave it symbolic.</summary>
    public int? DeclaredLatentDim { get; init; }
    /// <summary>True when the decoder output declares every size (and so was checked against the encoder's row here).</summary>
    public bool DecoderOutputDeclared { get; init; }
    /// <summary>1 for graphs with a fixed batch of one, else unlimited.</summary>
    public required int MaxBatchRows { get; init; }

    /// <summary>Values per row, D.</summary>
    public int InputDim => Sample.Values;

    /// <summary>Binds the declarations of <paramref name="encoder"/> and <paramref name="decoder"/>, or says which file breaks the rules and what it would need.</summary>
    public static PairShapes Bind(LoadedGraph encoder, LoadedGraph decoder)
    {
        var (e, d) = (encoder.Summary, decoder.Summary);
        if (e.Inputs.Count != 1) throw encoder.Problem($"{e.Inputs.Count} inputs; an encoder has one input x [N, D] (or an image [N, C, H, W] / [N, H, W, C])");
        if (d.Inputs.Count != 1) throw decoder.Problem($"{d.Inputs.Count} inputs; a decoder has one input z [N, L]");
        if (d.Outputs.Count != 1) throw decoder.Problem($"{d.Outputs.Count} outputs; a decoder has one output x_hat [N, D] (or an image like the encoder's input)");
        var input = e.Inputs[0];
        var sample = SampleShape.Of(encoder, input);
        var (mean, spread, kind, ignored) = EncoderOutputs.Pick(encoder);
        int? meanDim = LatentDim(encoder, mean), spreadDim = LatentDim(encoder, spread);
        if (meanDim is not null && spreadDim is not null && meanDim != spreadDim)
            throw encoder.Problem($"mean '{mean.Name}' {mean.ShapeText} and spread '{spread.Name}' {spread.ShapeText} have different sizes; expected both [N, L]");
        int? encoderLatent = meanDim ?? spreadDim;
        var z = d.Inputs[0];
        int? decoderLatent = LatentDim(decoder, z);
        if (decoderLatent is not null && encoderLatent is not null && decoderLatent != encoderLatent)
            throw decoder.Problem($"takes a latent of {decoderLatent} but {encoder.Path} produces {encoderLatent}; the two files are not a pair");
        var output = d.Outputs[0];
        if (output.Dims.Count is not (2 or 4))
            throw decoder.Problem($"output '{output.Name}' has rank {output.Dims.Count} {output.ShapeText}; expected [N, size] or an image [N, C, H, W] / [N, H, W, C] like the encoder's input");
        bool outputDeclared = output.Dims.Skip(1).All(dim => dim >= 0);
        if (outputDeclared) sample.CheckDecoderOutput(decoder, output, output.Dims, encoder.Path, input);
        bool fixedBatch = false;
        foreach (var (graph, value) in new[] { (encoder, input), (encoder, mean), (encoder, spread), (decoder, z), (decoder, output) })
            fixedBatch |= FixedBatchOfOne(graph, value);
        return new PairShapes
        {
            EncoderInput = input, Sample = sample, Mean = mean, Spread = spread, SpreadKind = kind, Ignored = ignored,
            DecoderInput = z, DecoderOutput = output, DeclaredLatentDim = encoderLatent ?? decoderLatent, DecoderOutputDeclared = outputDeclared,
            MaxBatchRows = fixedBatch ? 1 : int.MaxValue,
        };
    }

    /// <summary>L of a [N, L] value: its fixed size, or null when symbolic.</summary>
    private static int? LatentDim(LoadedGraph graph, OnnxValueInfo value)
    {
        var dims = value.Dims;
        if (dims.Count != 2) throw graph.Problem($"value '{value.Name}' has rank {dims.Count} {value.ShapeText}; expected [N, size]");
        if (dims[1] < 0) return null;
        if (dims[1] is 0 or > VaeModel.MaxFeatureDim)
            throw graph.Problem($"value '{value.Name}' has size {dims[1].ToString(CultureInfo.InvariantCulture)} in dimension 1 {value.ShapeText}; expected [N, size] with size 1..{VaeModel.MaxFeatureDim}");
        return (int)dims[1];
    }

    private static bool FixedBatchOfOne(LoadedGraph graph, OnnxValueInfo value) => value.Dims[0] switch
    {
        < 0 => false,
        1 => true,
        _ => throw graph.Problem($"value '{value.Name}' has a fixed batch size {value.Dims[0].ToString(CultureInfo.InvariantCulture)} {value.ShapeText}; expected a symbolic batch dimension [N, size] (or a batch of 1, scored row by row)"),
    };
}
