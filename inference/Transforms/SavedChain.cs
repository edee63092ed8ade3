using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The form in which a VaeOnnx transformer is saved: a chain of ML.NET's own transformers (ONNX scoring of the pair's
/// graphs, column copies and two registered custom mappings). ML.NET keeps the loading of third-party transformer state
/// internal (its <c>LoadableClass</c>, <c>ModelLoadContext</c> and <c>VersionInfo</c> are not public), so delegating
/// to stock transformers is what lets <c>mlContext.Model.Save/Load</c> carry the ONNX bytes inside the zip. A loaded
/// model comes back as this chain and maps rows the same way, one ONNX Runtime call per row. Each saved transformer starts
/// with a <see cref="SavedSegment"/> marker, by which <see cref="SavedChainLoader"/> puts the block-scoring transformer back.
/// </summary>
internal static class SavedChain
{
    /// <summary>Column-name prefix reserved for the chain's intermediate columns.</summary>
    public const string Prefix = "__vae_";

    /// <summary>The saved form of <c>VaeEncode</c>.</summary>
    public static IEstimator<ITransformer> Encode(TransformsCatalog c, VaeModel m, string input, string mu, string logVar) =>
        Marked(c, SavedSegment.For(m, ScoringStage.Encode, input, mu, logVar), input, EncodeSteps(c, m, input, mu, logVar));

    /// <summary>The saved form of <c>VaeDecode</c>.</summary>
    public static IEstimator<ITransformer> Decode(TransformsCatalog c, VaeModel m, string z, string output) =>
        Marked(c, SavedSegment.For(m, ScoringStage.Decode, z, output), z, DecodeSteps(c, m, z, output));

    /// <summary>The saved form of <c>VaeReconstruct</c>.</summary>
    public static IEstimator<ITransformer> Reconstruct(TransformsCatalog c, VaeModel m, string input, string output)
    {
        const string mu = Prefix + "mu", logVar = Prefix + "logvar";
        var steps = EncodeSteps(c, m, input, mu, logVar).Append(DecodeSteps(c, m, mu, output)).Append(Drop(c, [mu, logVar], input, output));
        return Marked(c, SavedSegment.For(m, ScoringStage.Reconstruct, input, output), input, steps);
    }

    /// <summary>The saved form of <c>VaeAnomalyScore</c>.</summary>
    public static IEstimator<ITransformer> AnomalyScore(TransformsCatalog c, VaeModel m, string input, string scoreColumn)
    {
        string x = Prefix + AnomalyScoreGraph.X, mu = Prefix + AnomalyScoreGraph.Mu, logVar = Prefix + AnomalyScoreGraph.LogVar, xHat = Prefix + AnomalyScoreGraph.XHat;
        var parts = VaeScoreParts.All.Select(p => Prefix + p).ToArray();
        IEstimator<ITransformer> chain = Copy(c, x, input)
            .Append(EncodeSteps(c, m, x, mu, logVar))
            .Append(DecodeSteps(c, m, mu, xHat))
            .Append(Onnx(c, AnomalyScoreGraph.Build(m, Prefix), [x, mu, logVar, xHat], parts))
            .Append(c.CustomMapping<VaeScoreVectors, VaeScoreScalars>(VaeScoreScalarMapping.Map, VaeScoreScalarMapping.ContractName));
        for (int i = 0; i < parts.Length; i++) chain = chain.Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.All[i]), parts[i] + "_value"));
        chain = chain.Append(Drop(c, [x, mu, logVar, xHat, .. parts, .. parts.Select(p => p + "_value")]));
        return Marked(c, SavedSegment.For(m, ScoringStage.AnomalyScore, input, scoreColumn), input, chain);
    }

    /// <summary>
    /// <paramref name="steps"/> between a copy of <paramref name="input"/> into the marker column and the drop of it: the
    /// copy is never read, so the marker costs nothing per row.
    /// </summary>
    private static IEstimator<ITransformer> Marked(TransformsCatalog c, SavedSegment segment, string input, IEstimator<ITransformer> steps) =>
        c.CopyColumns(segment.ColumnName, input).Append(steps).Append(c.DropColumns(segment.ColumnName));

    private static IEstimator<ITransformer> EncodeSteps(TransformsCatalog c, VaeModel m, string input, string mu, string logVar) =>
        Copy(c, m.EncoderInput, input)
            .Append(Onnx(c, m.EncoderBytes, [m.EncoderInput], [m.EncoderMu, m.EncoderLogVar]))
            .Append(Copy(c, mu, m.EncoderMu))
            .Append(Copy(c, logVar, m.EncoderLogVar))
            .Append(Drop(c, [m.EncoderInput, m.EncoderMu, m.EncoderLogVar], input, mu, logVar));

    private static IEstimator<ITransformer> DecodeSteps(TransformsCatalog c, VaeModel m, string z, string output) =>
        Copy(c, m.DecoderInput, z)
            .Append(Onnx(c, m.DecoderBytes, [m.DecoderInput], [m.DecoderOutput]))
            .Append(Copy(c, output, m.DecoderOutput))
            .Append(Drop(c, [m.DecoderInput, m.DecoderOutput], z, output));

    public static IEstimator<ITransformer> SampleLatent(TransformsCatalog c, VaeModel m, string muColumn, string logVarColumn, string zColumn, int seed)
    {
        const string mu = Prefix + "s_mu", logVar = Prefix + "s_logvar", z = Prefix + "s_z", seedColumn = Prefix + "s_seed";
        return Copy(c, mu, muColumn).Append(Copy(c, logVar, logVarColumn))
            .Append(Onnx(c, SeedGraph.Build(m.LatentDim, seed, mu, seedColumn), [mu], [seedColumn]))
            .Append(c.CustomMapping<VaeLatentSampleInput, VaeLatentSampleOutput>(VaeLatentSampleMapping.Map, VaeLatentSampleMapping.ContractName))
            .Append(Copy(c, zColumn, z))
            .Append(Drop(c, [mu, logVar, z, seedColumn]));
    }

    /// <summary>
    /// A table pair's score as stock transformers: each column the encoder reads as the graph's type (numbers given as
    /// Double, Int32, Int64 or Boolean converted to Single; flags given as Boolean mapped to the file's spellings; category
    /// codes given as numbers converted to text), the encoder, the decoder of mu, and the score graph with row-typed
    /// outputs (<see cref="TableScoreGraph"/>) copied to the transformer's columns; the user's own columns come back as
    /// they were. <paramref name="fitSchema"/> is the schema the transformer was fitted on.
    /// </summary>
    public static IEstimator<ITransformer> TableScore(TransformsCatalog c, VaeModel m, DataViewSchema fitSchema, string scoreColumn, string anomalyColumn)
    {
        var schema = m.Table!;
        var graphValues = TableGraphNames.Reserved;
        var clash = fitSchema.Where(k => !k.IsHidden).Select(k => k.Name).FirstOrDefault(n => graphValues.Contains(n) || n.StartsWith(Prefix, StringComparison.Ordinal));
        if (clash is not null)
            throw new NotSupportedException($"the input has a column '{clash}', a name the saved chain uses for the pair's own values ({string.Join(", ", graphValues)}, {Prefix}...); rename it before saving");
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var restore = new List<string>();
        foreach (var column in schema.Columns)
        {
            var given = fitSchema[column.Name].Type;
            var conversion = Conversion(c, column, given);
            if (conversion is null) continue;
            // Keep the user's column under another name, give the encoder its type, and put the user's back at the end.
            chain = chain.Append(c.CopyColumns(Prefix + "user." + column.Name, column.Name)).Append(conversion);
            restore.Add(column.Name);
        }
        string[] encoderOutputs = [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown];
        var parts = new[] { VaeScoreParts.Score, VaeScoreParts.Reconstruction, VaeScoreParts.Kl, TableScoreGraph.Contributions, TableScoreGraph.IsAnomaly };
        chain = chain
            .Append(Onnx(c, m.EncoderBytes, schema.Columns.Select(k => k.Name).ToArray(), encoderOutputs))
            .Append(c.CopyColumns(TableGraphNames.Z, TableGraphNames.Mu))
            .Append(Onnx(c, m.DecoderBytes, [TableGraphNames.Z], [TableGraphNames.Logits]))
            .Append(Onnx(c, TableScoreGraph.Build(m, rowOutputs: true, outputPrefix: Prefix),
                [TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown, TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Logits],
                parts.Select(p => Prefix + p).ToArray()))
            .Append(c.CustomMapping<VaeTableScoreVectors, VaeTableScoreScalars>(VaeTableScoreScalarMapping.Map, VaeTableScoreScalarMapping.ContractName))
            .Append(c.CopyColumns(scoreColumn, Prefix + VaeScoreParts.Score + "_value"))
            .Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.Reconstruction), Prefix + VaeScoreParts.Reconstruction + "_value"))
            .Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.Kl), Prefix + VaeScoreParts.Kl + "_value"))
            .Append(c.CopyColumns(VaeTableScoreEstimator.ContributionsColumn(scoreColumn), Prefix + TableScoreGraph.Contributions))
            .Append(c.CopyColumns(anomalyColumn, Prefix + TableScoreGraph.IsAnomaly + "_value"));
        foreach (var name in restore) chain = chain.Append(c.CopyColumns(name, Prefix + "user." + name));
        return chain.Append(Drop(c, [.. encoderOutputs, TableGraphNames.Z, TableGraphNames.Logits, .. parts.Select(p => Prefix + p),
            .. parts.Where(p => p != TableScoreGraph.Contributions).Select(p => Prefix + p + "_value"), .. restore.Select(n => Prefix + "user." + n)]));
    }

    /// <summary>The stock conversion of a column given as <paramref name="given"/> to what the encoder reads, null when it already is; refused where no stock transformer converts it as the live transformer does.</summary>
    private static IEstimator<ITransformer>? Conversion(TransformsCatalog c, TableColumn column, DataViewType given)
    {
        var name = column.Name;
        if (column.IsText)
        {
            if (given is TextDataViewType) return null;
            if (given is BooleanDataViewType)
                return c.Conversion.MapValue(name, new[] { new KeyValuePair<bool, string>(true, column.TrueText ?? "true"), new KeyValuePair<bool, string>(false, column.FalseText ?? "false") }, name);
            if (given == NumberDataViewType.Single || given == NumberDataViewType.Double || given == NumberDataViewType.Int32 || given == NumberDataViewType.Int64)
                return c.Conversion.ConvertType(name, name, DataKind.String);
        }
        else
        {
            if (given == NumberDataViewType.Single) return null;
            if (given is BooleanDataViewType || given == NumberDataViewType.Double || given == NumberDataViewType.Int32 || given == NumberDataViewType.Int64)
                return c.Conversion.ConvertType(name, name, DataKind.Single);
        }
        // ML.NET's text-to-number conversion reads a blank cell as 0, where the live transformer reads it as missing.
        throw new NotSupportedException($"column '{name}' is {given}; the saved chain reads a {EnumText.Of(column.Kind)} column from {(column.IsText ? "Text, Boolean or a number" : "Single, Double, Int32, Int64 or Boolean")} (convert it before VaeTableScore to save the chain)");
    }

    /// <summary>ONNX scoring of a graph held in memory (ML.NET keeps the bytes and stores them in a saved zip).</summary>
    private static IEstimator<ITransformer> Onnx(TransformsCatalog c, byte[] graph, string[] inputs, string[] outputs) =>
        c.ApplyOnnxModel(outputs, inputs, new MemoryStream(graph, writable: false), gpuDeviceId: null, fallbackToCpu: false);

    private static IEstimator<ITransformer> Copy(TransformsCatalog c, string to, string from) =>
        to == from ? new EstimatorChain<ITransformer>() : c.CopyColumns(to, from);

    /// <summary>Drops the intermediate columns, keeping any that the caller asked for by name.</summary>
    private static IEstimator<ITransformer> Drop(TransformsCatalog c, IEnumerable<string> temporary, params string[] keep)
    {
        var drop = temporary.Where(t => !keep.Contains(t)).Distinct().ToArray();
        return drop.Length == 0 ? new EstimatorChain<ITransformer>() : c.DropColumns(drop);
    }
}
