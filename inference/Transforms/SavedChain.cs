using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The building blocks of the transforms' saved forms. A VaeOnnx transformer is saved as a chain of ML.NET's own
/// transformers (ONNX scoring of the pair's graphs, column copies and registered custom mappings), which each transform's
/// file writes with these blocks. ML.NET keeps the loading of third-party transformer state internal (its
/// <c>LoadableClass</c>, <c>ModelLoadContext</c> and <c>VersionInfo</c> are not public), so delegating to stock
/// transformers is what lets <c>mlContext.Model.Save/Load</c> carry the ONNX bytes inside the zip. A loaded model comes
/// back as this chain and maps rows the same way, one ONNX Runtime call per row. Each saved transformer of a plain pair,
/// and a table pair's score (conditional or not: its schema names its columns), starts with a <see cref="SavedSegment"/>
/// marker, by which <see cref="SavedChainLoader"/> puts the block-scoring transformer back; a conditional or flow image
/// pair's steps carry none (the marker has no place for the condition column or the flow), so they load as the stock
/// chain. A conditional pair's chain copies the condition column to both graphs' condition input; a flow posterior's chain
/// feeds the encoder the noise the scoring passes use (from a small graph, or the seeded noise mapping) with its draws
/// axis fixed for ML.NET.
/// </summary>
internal static class SavedChain
{
    /// <summary>Column-name prefix reserved for the chain's intermediate columns.</summary>
    public const string Prefix = "__vae_";

    /// <summary>
    /// <paramref name="steps"/> between a copy of <paramref name="input"/> into the marker column and the drop of it (the
    /// copy is never read, so the marker costs nothing per row); without a marker for a conditional or flow pair.
    /// </summary>
    public static IEstimator<ITransformer> Marked(TransformsCatalog c, VaeModel m, Func<SavedSegment> segment, string input, IEstimator<ITransformer> steps)
    {
        if (m.IsConditional || m.Posterior is not null) return steps;
        var column = segment().ColumnName;
        return c.CopyColumns(column, input).Append(steps).Append(c.DropColumns(column));
    }

    /// <summary>
    /// The encoder graph on <paramref name="input"/> (and the condition), producing <paramref name="outputs"/> under the
    /// graph's own names. A flow encoder takes the same <paramref name="noise"/> (<paramref name="draws"/> x L values) for
    /// every row, zeros (the flow of the mean) when it is null.
    /// </summary>
    public static IEstimator<ITransformer> Encoder(TransformsCatalog c, VaeModel m, string input, string? condition, float[]? noise, string[] outputs, int draws = 1)
    {
        IEstimator<ITransformer> chain = Copy(c, m.EncoderInput, input);
        var inputs = new List<string> { m.EncoderInput };
        if (condition is not null)
        {
            chain = chain.Append(Copy(c, m.EncoderConditionInput!, condition));
            inputs.Add(m.EncoderConditionInput!);
        }
        if (m.Posterior is { } p)
        {
            var values = noise ?? new float[draws * m.LatentDim];
            chain = chain.Append(Onnx(c, FlowChainGraphs.Noise(m.EncoderInput, m.InputDim, p.EpsInput, values, m.LatentDim), [m.EncoderInput], [p.EpsInput]));
            inputs.Add(p.EpsInput);
        }
        return chain.Append(Onnx(c, m.EncoderBytes, [.. inputs], outputs, Shapes(m, [.. inputs, .. outputs], draws)));
    }

    /// <summary>The first draw of the encoder's z output (<paramref name="zColumn"/>, default the graph's own name) as a column of L values.</summary>
    public static IEstimator<ITransformer> FirstDraw(TransformsCatalog c, VaeModel m, int draws, string output, string? zColumn = null)
    {
        var z = zColumn ?? m.Posterior!.ZOutput;
        return Onnx(c, FlowChainGraphs.FirstDraw(z, draws, m.LatentDim, output), [z], [output], new Dictionary<string, int[]> { [z] = [1, draws, m.LatentDim] });
    }

    /// <summary>
    /// The columns <see cref="Encoder"/> makes for the
    /// graph's marked inputs (the condition's copy, the flow's noise), dropped by its caller with the outputs it does not keep.
    /// </summary>
    public static IEnumerable<string> EncoderScratch(VaeModel m, string? condition) =>
        new[] { condition is null ? null : m.EncoderConditionInput, m.Posterior?.EpsInput }.OfType<string>();

    /// <summary>
    /// ML.NET sizes ONNX values from their declared shapes and cannot size a symbolic draws axis: the flow values among
    /// <paramref name="names"/> get it fixed (one row of <paramref name="draws"/> draws, as the chain scores one row at a time).
    /// </summary>
    public static Dictionary<string, int[]>? Shapes(VaeModel m, IEnumerable<string> names, int draws)
    {
        if (m.Posterior is not { } p) return null;
        var shapes = new Dictionary<string, int[]>();
        foreach (var name in names)
        {
            if (name == p.EpsInput || name == p.ZOutput || name == Prefix + AnomalyScoreGraph.Z) shapes[name] = [1, draws, m.LatentDim];
            else if (name == p.LogQOutput || name == Prefix + AnomalyScoreGraph.LogQ) shapes[name] = [1, draws];
        }
        return shapes.Count == 0 ? null : shapes;
    }

    /// <summary>ONNX scoring of a graph held in memory (ML.NET keeps the bytes and stores them in a saved zip).</summary>
    public static IEstimator<ITransformer> Onnx(TransformsCatalog c, byte[] graph, string[] inputs, string[] outputs, IDictionary<string, int[]>? shapes = null) =>
        shapes is null
            ? c.ApplyOnnxModel(outputs, inputs, new MemoryStream(graph, writable: false), gpuDeviceId: null, fallbackToCpu: false)
            : c.ApplyOnnxModel(outputs, inputs, new MemoryStream(graph, writable: false), shapes, gpuDeviceId: null, fallbackToCpu: false);

    /// <summary>A copy of <paramref name="from"/> into <paramref name="to"/>, or nothing when they are the same column.</summary>
    public static IEstimator<ITransformer> Copy(TransformsCatalog c, string to, string from) =>
        to == from ? new EstimatorChain<ITransformer>() : c.CopyColumns(to, from);

    /// <summary>Drops the intermediate columns, keeping any that the caller asked for by name.</summary>
    public static IEstimator<ITransformer> Drop(TransformsCatalog c, IEnumerable<string> temporary, params string?[] keep)
    {
        var drop = temporary.Where(t => !keep.Contains(t)).Distinct().ToArray();
        return drop.Length == 0 ? new EstimatorChain<ITransformer>() : c.DropColumns(drop);
    }
}
