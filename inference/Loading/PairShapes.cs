using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// What a pair's graphs declare, checked against each other: an encoder taking one row x ([N, D] features, or an image
/// [N, C, H, W] / [N, H, W, C] with fixed sizes) to the mean and spread of q(z|x) ([N, L] each; other outputs, such as a
/// sampled z, ignored), and a decoder taking z [N, L] to one output that holds the encoder's row. The batch dimension is
/// symbolic (or a fixed batch of one). The latent size L and the decoder output's sizes may be symbolic: the loader then
/// finds them by running the graphs (<see cref="LoadProbe"/>). Inputs and outputs that a VaeOnnx pair's metadata marks
/// (<see cref="ConditionAndPosteriorValues"/>) are set aside before those rules and bound on their own: the condition c [N,K] of both
/// graphs, the noise eps [N,R,L] and the draws z [N,R,L], log_q [N,R] of an IAF encoder.
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

    /// <summary>The marked inputs and outputs.</summary>
    public ConditionAndPosteriorValues ConditionAndPosterior { get; init; } = new(null, null, null);
    /// <summary>Width K of the condition (0 without one).</summary>
    public int ConditionDim { get; init; }

    /// <summary>Values per row, D.</summary>
    public int InputDim => Sample.Values;

    /// <summary>Binds the declarations of <paramref name="encoder"/> and <paramref name="decoder"/>, or says which file breaks the rules and what it would need.</summary>
    public static PairShapes Bind(LoadedGraph encoder, LoadedGraph decoder)
    {
        var conditionAndPosterior = ConditionAndPosteriorValues.Read(encoder, decoder);
        var (e, d) = (encoder.Summary, decoder.Summary);
        var eInputs = e.Inputs.Where(v => !conditionAndPosterior.EncoderValues.Contains(v.Name)).ToArray();
        var dInputs = d.Inputs.Where(v => v.Name != conditionAndPosterior.DecoderCondition?.Input).ToArray();
        string Besides(int marked) => marked == 0 ? "" : " besides the ones its metadata marks";
        if (eInputs.Length != 1) throw encoder.Problem($"{eInputs.Length} inputs{Besides(e.Inputs.Count - eInputs.Length)}; an encoder has one input x [N, D] (or an image [N, C, H, W] / [N, H, W, C])");
        if (dInputs.Length != 1) throw decoder.Problem($"{dInputs.Length} inputs{Besides(d.Inputs.Count - dInputs.Length)}; a decoder has one input z [N, L]");
        if (d.Outputs.Count != 1) throw decoder.Problem($"{d.Outputs.Count} outputs; a decoder has one output x_hat [N, D] (or an image like the encoder's input)");
        var input = eInputs[0];
        var sample = SampleShape.Of(encoder, input);
        var (mean, spread, kind, picked) = EncoderOutputs.Pick(encoder);
        if (conditionAndPosterior.EncoderValues.Contains(mean.Name) || conditionAndPosterior.EncoderValues.Contains(spread.Name))
            throw encoder.Problem($"metadata marks '{mean.Name}' or '{spread.Name}' as a draw of the flow; expected the mean and the log-variance of q0 as their own outputs");
        var ignored = picked.Where(o => !conditionAndPosterior.EncoderValues.Contains(o.Name)).ToArray();
        int? meanDim = LatentDim(encoder, mean), spreadDim = LatentDim(encoder, spread);
        if (meanDim is not null && spreadDim is not null && meanDim != spreadDim)
            throw encoder.Problem($"mean '{mean.Name}' {mean.ShapeText} and spread '{spread.Name}' {spread.ShapeText} have different sizes; expected both [N, L]");
        int? encoderLatent = meanDim ?? spreadDim;
        var z = dInputs[0];
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
        int conditionDim = BindConditionAndPosterior(encoder, decoder, conditionAndPosterior, encoderLatent ?? decoderLatent);
        if (fixedBatch && (conditionDim > 0 || conditionAndPosterior.Posterior is not null))
            throw encoder.Problem("a pair with a fixed batch of one cannot have a condition or a flow posterior; expected a symbolic batch dimension");
        return new PairShapes
        {
            ConditionAndPosterior = conditionAndPosterior, ConditionDim = conditionDim,
            EncoderInput = input, Sample = sample, Mean = mean, Spread = spread, SpreadKind = kind, Ignored = ignored,
            DecoderInput = z, DecoderOutput = output, DeclaredLatentDim = encoderLatent ?? decoderLatent, DecoderOutputDeclared = outputDeclared,
            MaxBatchRows = fixedBatch ? 1 : int.MaxValue,
        };
    }

    /// <summary>Checks the marked values' declarations; returns the condition's width (0 without one).</summary>
    private static int BindConditionAndPosterior(LoadedGraph encoder, LoadedGraph decoder, ConditionAndPosteriorValues conditionAndPosterior, int? latentDim)
    {
        OnnxValueInfo Find(LoadedGraph graph, IReadOnlyList<OnnxValueInfo> values, string name, string key, string what) =>
            values.FirstOrDefault(v => v.Name == name)
                ?? throw graph.Problem($"metadata '{key}' names the {what} '{name}', which the graph does not declare");
        int Width(LoadedGraph graph, OnnxValueInfo value) =>
            LatentDim(graph, value) ?? throw graph.Problem($"value '{value.Name}' has no fixed size in dimension 1 {value.ShapeText}; expected [N, K] with the condition's K");
        int conditionDim = 0;
        if (conditionAndPosterior.EncoderCondition is { } ec)
        {
            var ce = Find(encoder, encoder.Summary.Inputs, ec.Input, VaeMetadataKeys.Condition, "input");
            var cd = Find(decoder, decoder.Summary.Inputs, conditionAndPosterior.DecoderCondition!.Input, VaeMetadataKeys.Condition, "input");
            conditionDim = Width(encoder, ce);
            if (conditionDim != ec.Classes.Count)
                throw encoder.Problem($"condition input '{ce.Name}' has {conditionDim} values but metadata '{VaeMetadataKeys.Condition}' lists {ec.Classes.Count} classes");
            if (Width(decoder, cd) != conditionDim)
                throw decoder.Problem($"condition input '{cd.Name}' has {Width(decoder, cd)} values but {encoder.Path}'s has {conditionDim}; the two files are not a pair");
        }
        if (conditionAndPosterior.Posterior is { } p)
        {
            if (latentDim is not int l) throw encoder.Problem($"metadata '{VaeMetadataKeys.Posterior}' marks a flow but the graphs declare no latent size; expected mu [N, L] with a fixed L");
            void Draws(OnnxValueInfo value, bool withLatent)
            {
                var dims = value.Dims;
                bool ok = dims.Count == (withLatent ? 3 : 2) && dims[0] < 0 && dims[1] < 0 && (!withLatent || dims[2] == l);
                if (!ok) throw encoder.Problem($"value '{value.Name}' is {value.ShapeText}; expected [N, R{(withLatent ? $", {l}" : "")}] with symbolic N and R");
            }
            Draws(Find(encoder, encoder.Summary.Inputs, p.EpsInput, VaeMetadataKeys.Posterior, "input"), withLatent: true);
            Draws(Find(encoder, encoder.Summary.Outputs, p.ZOutput, VaeMetadataKeys.Posterior, "output"), withLatent: true);
            Draws(Find(encoder, encoder.Summary.Outputs, p.LogQOutput, VaeMetadataKeys.Posterior, "output"), withLatent: false);
        }
        return conditionDim;
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
