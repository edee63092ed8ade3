using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// The names and sizes of the graphs a saved chain stored: the graphs that ran when it was saved, so always rows of D
/// floats (an encoder x [N,D] -> mu [N,L], logvar [N,L], a decoder z [N,L] -> x_hat [N,D]; another tool's graphs were
/// adapted to that form at load, see <see cref="GraphAdapter"/>), both or one of them.
/// </summary>
internal sealed record SavedGraphShapes(string EncoderInput, string EncoderMu, string EncoderLogVar, string DecoderInput, string DecoderOutput,
    int InputDim, int LatentDim, int MaxBatchRows)
{
    /// <summary>Binds the declarations of <paramref name="encoder"/> and <paramref name="decoder"/>, or says which file breaks the rules.</summary>
    public static SavedGraphShapes Bind(LoadedGraph encoder, LoadedGraph decoder)
    {
        var e = BindEncoder(encoder);
        var d = BindDecoder(decoder);
        if (d.LatentDim != e.LatentDim)
            throw decoder.Problem($"takes a latent of {d.LatentDim} but {encoder.Path} produces {e.LatentDim}; the two files are not a pair");
        if (d.InputDim != e.InputDim)
            throw decoder.Problem($"outputs {d.InputDim} features but {encoder.Path} takes {e.InputDim}; the two files are not a pair");
        return e with { DecoderInput = d.DecoderInput, DecoderOutput = d.DecoderOutput, MaxBatchRows = Math.Min(e.MaxBatchRows, d.MaxBatchRows) };
    }

    /// <summary>The encoder's half (x [N,D] -> mu, logvar [N,L]); the decoder names are empty.</summary>
    public static SavedGraphShapes BindEncoder(LoadedGraph encoder)
    {
        var e = encoder.Summary;
        if (e.Inputs.Count != 1) throw encoder.Problem($"{e.Inputs.Count} inputs; an encoder has one input x [N, D]");
        int inputDim = FeatureDim(encoder, e.Inputs[0]);
        var (mu, logvar, kind, _) = EncoderOutputs.Pick(encoder);
        if (kind != SpreadKind.LogVariance) throw encoder.Problem($"spread '{logvar.Name}' is a {EnumText.Of(kind)}; a stored encoder gives the log-variance");
        int latentDim = FeatureDim(encoder, mu);
        if (FeatureDim(encoder, logvar) != latentDim) throw encoder.Problem("mu and logvar have different sizes");
        return new SavedGraphShapes(e.Inputs[0].Name, mu.Name, logvar.Name, "", "", inputDim, latentDim, MaxBatchRowsOf(encoder));
    }

    /// <summary>The decoder's half (z [N,L] -> x_hat [N,D]); the encoder names are empty.</summary>
    public static SavedGraphShapes BindDecoder(LoadedGraph decoder)
    {
        var d = decoder.Summary;
        if (d.Inputs.Count != 1) throw decoder.Problem($"{d.Inputs.Count} inputs; a decoder has one input z [N, L]");
        if (d.Outputs.Count != 1) throw decoder.Problem($"{d.Outputs.Count} outputs; a decoder has one output x_hat [N, D]");
        int latentDim = FeatureDim(decoder, d.Inputs[0]), inputDim = FeatureDim(decoder, d.Outputs[0]);
        return new SavedGraphShapes("", "", "", d.Inputs[0].Name, d.Outputs[0].Name, inputDim, latentDim, MaxBatchRowsOf(decoder));
    }

    private static int MaxBatchRowsOf(LoadedGraph graph)
    {
        bool fixedBatch = false;
        foreach (var value in graph.Summary.Inputs.Concat(graph.Summary.Outputs))
            fixedBatch |= FixedBatchOfOne(graph, value);
        return fixedBatch ? 1 : int.MaxValue;
    }

    private static int FeatureDim(LoadedGraph graph, OnnxValueInfo value)
    {
        // [N, K] with a fixed positive feature size K (the batch dimension is checked by FixedBatchOfOne).
        var dims = value.Dims;
        if (dims.Count != 2) throw graph.Problem($"value '{value.Name}' has rank {dims.Count} {value.ShapeText}; expected [N, size]");
        if (dims[1] is <= 0 or > VaeModel.MaxFeatureDim)
            throw graph.Problem($"value '{value.Name}' has {(dims[1] < 0 ? "no fixed size" : $"size {dims[1].ToString(CultureInfo.InvariantCulture)}")} in dimension 1 {value.ShapeText}; expected [N, size] with size 1..{VaeModel.MaxFeatureDim}");
        return (int)dims[1];
    }

    private static bool FixedBatchOfOne(LoadedGraph graph, OnnxValueInfo value) => value.Dims[0] switch
    {
        < 0 => false,
        1 => true,
        _ => throw graph.Problem($"value '{value.Name}' has a fixed batch size {value.Dims[0].ToString(CultureInfo.InvariantCulture)} {value.ShapeText}; expected a symbolic batch dimension [N, size] (or a batch of 1, scored row by row)"),
    };
}
