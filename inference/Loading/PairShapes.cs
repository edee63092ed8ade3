using System.Globalization;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// The names and sizes a pair's graphs declare, checked against each other: an encoder x [N,D] -> mu [N,L], logvar [N,L]
/// and a decoder z [N,L] -> x_hat [N,D], with a symbolic batch dimension (or a fixed batch of one).
/// </summary>
internal sealed record PairShapes(string EncoderInput, string EncoderMu, string EncoderLogVar, string DecoderInput, string DecoderOutput,
    int InputDim, int LatentDim, int MaxBatchRows)
{
    /// <summary>Binds the declarations of <paramref name="encoder"/> and <paramref name="decoder"/>, or says which file breaks the rules.</summary>
    public static PairShapes Bind(LoadedGraph encoder, LoadedGraph decoder)
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
    public static PairShapes BindEncoder(LoadedGraph encoder)
    {
        var e = encoder.Summary;
        if (e.Inputs.Count != 1) throw encoder.Problem($"{e.Inputs.Count} inputs; an encoder has one input x [N, D]");
        if (e.Outputs.Count != 2) throw encoder.Problem($"{e.Outputs.Count} outputs; an encoder has two outputs, mu [N, L] and logvar [N, L]");
        int inputDim = FeatureDim(encoder, e.Inputs[0]);
        var (mu, logvar) = MeanAndLogVariance(e.Outputs[0], e.Outputs[1]);
        int latentDim = FeatureDim(encoder, mu);
        if (FeatureDim(encoder, logvar) != latentDim) throw encoder.Problem("mu and logvar have different sizes");
        return new PairShapes(e.Inputs[0].Name, mu.Name, logvar.Name, "", "", inputDim, latentDim, MaxBatchRowsOf(encoder));
    }

    /// <summary>The decoder's half (z [N,L] -> x_hat [N,D]); the encoder names are empty.</summary>
    public static PairShapes BindDecoder(LoadedGraph decoder)
    {
        var d = decoder.Summary;
        if (d.Inputs.Count != 1) throw decoder.Problem($"{d.Inputs.Count} inputs; a decoder has one input z [N, L]");
        if (d.Outputs.Count != 1) throw decoder.Problem($"{d.Outputs.Count} outputs; a decoder has one output x_hat [N, D]");
        int latentDim = FeatureDim(decoder, d.Inputs[0]), inputDim = FeatureDim(decoder, d.Outputs[0]);
        return new PairShapes("", "", "", d.Inputs[0].Name, d.Outputs[0].Name, inputDim, latentDim, MaxBatchRowsOf(decoder));
    }

    private static int MaxBatchRowsOf(LoadedGraph graph)
    {
        bool fixedBatch = false;
        foreach (var value in graph.Summary.Inputs.Concat(graph.Summary.Outputs))
            fixedBatch |= FixedBatchOfOne(graph, value);
        return fixedBatch ? 1 : int.MaxValue;
    }

    /// <summary>Finds mean and log-variance among the two outputs: by name when they say so, else in order.</summary>
    private static (OnnxValueInfo Mu, OnnxValueInfo LogVar) MeanAndLogVariance(OnnxValueInfo first, OnnxValueInfo second)
    {
        static bool IsLogVar(string n) => n.Contains("logvar", StringComparison.OrdinalIgnoreCase) || n.Contains("log_var", StringComparison.OrdinalIgnoreCase)
            || n.Contains("logsigma", StringComparison.OrdinalIgnoreCase);
        return IsLogVar(first.Name) && !IsLogVar(second.Name) ? (second, first) : (first, second);
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
