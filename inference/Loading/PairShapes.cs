using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// The names and sizes a pair's graphs declare, checked against each other: an encoder x [N,D] -> mu [N,L], logvar [N,L]
/// and a decoder z [N,L] -> x_hat [N,D], with a symbolic batch dimension (or a fixed batch of one). Inputs and outputs
/// that the metadata marks (<see cref="PairExtras"/>) are bound as well: the condition c [N,K] of both graphs, the noise
/// eps [N,R,L] and the draws z [N,R,L], log_q [N,R] of an IAF encoder.
/// </summary>
internal sealed record PairShapes(string EncoderInput, string EncoderMu, string EncoderLogVar, string DecoderInput, string DecoderOutput,
    int InputDim, int LatentDim, int MaxBatchRows)
{
    /// <summary>The marked inputs and outputs.</summary>
    public PairExtras Extras { get; init; } = new(null, null, null);

    /// <summary>Width K of the condition (0 without one).</summary>
    public int ConditionDim { get; init; }

    /// <summary>Binds the declarations of <paramref name="encoder"/> and <paramref name="decoder"/>, or says which file breaks the rules.</summary>
    public static PairShapes Bind(LoadedGraph encoder, LoadedGraph decoder)
    {
        var extras = PairExtras.Read(encoder, decoder);
        var (e, d) = (encoder.Summary, decoder.Summary);
        var eInputs = e.Inputs.Where(v => !extras.EncoderValues.Contains(v.Name)).ToArray();
        var eOutputs = e.Outputs.Where(v => !extras.EncoderValues.Contains(v.Name)).ToArray();
        var dInputs = d.Inputs.Where(v => v.Name != extras.DecoderCondition?.Input).ToArray();
        string Besides(int marked) => marked == 0 ? "" : " besides the ones its metadata marks";
        if (eInputs.Length != 1) throw encoder.Problem($"{eInputs.Length} inputs{Besides(e.Inputs.Count - eInputs.Length)}; an encoder has one input x [N, D]");
        if (eOutputs.Length != 2) throw encoder.Problem($"{eOutputs.Length} outputs{Besides(e.Outputs.Count - eOutputs.Length)}; an encoder has two outputs, mu [N, L] and logvar [N, L]");
        if (dInputs.Length != 1) throw decoder.Problem($"{dInputs.Length} inputs{Besides(d.Inputs.Count - dInputs.Length)}; a decoder has one input z [N, L]");
        if (d.Outputs.Count != 1) throw decoder.Problem($"{d.Outputs.Count} outputs; a decoder has one output x_hat [N, D]");
        int inputDim = FeatureDim(encoder, eInputs[0]);
        var (mu, logvar) = MeanAndLogVariance(eOutputs[0], eOutputs[1]);
        int latentDim = FeatureDim(encoder, mu);
        if (FeatureDim(encoder, logvar) != latentDim) throw encoder.Problem("mu and logvar have different sizes");
        int decoderLatent = FeatureDim(decoder, dInputs[0]);
        if (decoderLatent != latentDim)
            throw decoder.Problem($"takes a latent of {decoderLatent} but {encoder.Path} produces {latentDim}; the two files are not a pair");
        int decoderOut = FeatureDim(decoder, d.Outputs[0]);
        if (decoderOut != inputDim)
            throw decoder.Problem($"outputs {decoderOut} features but {encoder.Path} takes {inputDim}; the two files are not a pair");
        bool fixedBatch = false;
        foreach (var graph in new[] { encoder, decoder })
            foreach (var value in graph.Summary.Inputs.Concat(graph.Summary.Outputs))
                fixedBatch |= FixedBatchOfOne(graph, value);
        int conditionDim = BindExtras(encoder, decoder, extras, latentDim);
        if (fixedBatch && (conditionDim > 0 || extras.Posterior is not null))
            throw encoder.Problem("a pair with a fixed batch of one cannot have a condition or a flow posterior; expected a symbolic batch dimension");
        return new PairShapes(eInputs[0].Name, mu.Name, logvar.Name, dInputs[0].Name, d.Outputs[0].Name, inputDim, latentDim,
            fixedBatch ? 1 : int.MaxValue) { Extras = extras, ConditionDim = conditionDim };
    }

    /// <summary>Checks the marked values' declarations; returns the condition's width (0 without one).</summary>
    private static int BindExtras(LoadedGraph encoder, LoadedGraph decoder, PairExtras extras, int latentDim)
    {
        OnnxValueInfo Find(LoadedGraph graph, IReadOnlyList<OnnxValueInfo> values, string name, string key, string what) =>
            values.FirstOrDefault(v => v.Name == name)
                ?? throw graph.Problem($"metadata '{key}' names the {what} '{name}', which the graph does not declare");
        int conditionDim = 0;
        if (extras.EncoderCondition is { } ec)
        {
            var ce = Find(encoder, encoder.Summary.Inputs, ec.Input, VaeMetadataKeys.Condition, "input");
            var cd = Find(decoder, decoder.Summary.Inputs, extras.DecoderCondition!.Input, VaeMetadataKeys.Condition, "input");
            conditionDim = FeatureDim(encoder, ce);
            if (conditionDim != ec.Classes.Count)
                throw encoder.Problem($"condition input '{ce.Name}' has {conditionDim} values but metadata '{VaeMetadataKeys.Condition}' lists {ec.Classes.Count} classes");
            if (FeatureDim(decoder, cd) != conditionDim)
                throw decoder.Problem($"condition input '{cd.Name}' has {FeatureDim(decoder, cd)} values but {encoder.Path}'s has {conditionDim}; the two files are not a pair");
        }
        if (extras.Posterior is { } p)
        {
            void Draws(OnnxValueInfo value, bool withLatent)
            {
                var dims = value.Dims;
                bool ok = dims.Count == (withLatent ? 3 : 2) && dims[0] < 0 && dims[1] < 0 && (!withLatent || dims[2] == latentDim);
                if (!ok) throw encoder.Problem($"value '{value.Name}' is {value.ShapeText}; expected [N, R{(withLatent ? $", {latentDim}" : "")}] with symbolic N and R");
            }
            Draws(Find(encoder, encoder.Summary.Inputs, p.EpsInput, VaeMetadataKeys.Posterior, "input"), withLatent: true);
            Draws(Find(encoder, encoder.Summary.Outputs, p.ZOutput, VaeMetadataKeys.Posterior, "output"), withLatent: true);
            Draws(Find(encoder, encoder.Summary.Outputs, p.LogQOutput, VaeMetadataKeys.Posterior, "output"), withLatent: false);
        }
        return conditionDim;
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
