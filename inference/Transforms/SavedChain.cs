using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The form in which a VaeOnnx transformer is saved: a chain of ML.NET's own transformers (ONNX scoring of the pair's
/// graphs, column copies and registered custom mappings). ML.NET keeps the loading of third-party transformer state
/// internal (its <c>LoadableClass</c>, <c>ModelLoadContext</c> and <c>VersionInfo</c> are not public), so delegating
/// to stock transformers is what lets <c>mlContext.Model.Save/Load</c> carry the ONNX bytes inside the zip. A loaded
/// model comes back as this chain and maps rows the same way, one ONNX Runtime call per row. Each saved transformer of a
/// plain pair, and a table pair's score (conditional or not: its schema names its columns), starts with a
/// <see cref="SavedSegment"/> marker, by which <see cref="SavedChainLoader"/> puts the block-scoring transformer back; a
/// conditional or flow image pair's steps carry none (the marker has no place for the condition column or the flow), so
/// they load as this stock chain. A conditional pair's chain
/// copies the condition column to both graphs' condition input; a flow posterior's chain feeds the encoder the noise the
/// scoring passes use (from a small graph, or the seeded noise mapping) with its draws axis fixed for ML.NET.
/// </summary>
internal static class SavedChain
{
    /// <summary>Column-name prefix reserved for the chain's intermediate columns.</summary>
    public const string Prefix = "__vae_";

    /// <summary>The saved form of <c>VaeEncode</c>.</summary>
    public static IEstimator<ITransformer> Encode(TransformsCatalog c, VaeModel m, string input, string mu, string logVar, string? condition = null) =>
        Marked(c, m, () => SavedSegment.For(m, SavedStepKind.Encode, input, mu, logVar), input, EncodeSteps(c, m, input, mu, logVar, condition));

    /// <summary>The saved form of <c>VaeDecode</c>.</summary>
    public static IEstimator<ITransformer> Decode(TransformsCatalog c, VaeModel m, string z, string output, string? condition = null) =>
        Marked(c, m, () => SavedSegment.For(m, SavedStepKind.Decode, z, output), z, DecodeSteps(c, m, z, output, condition));

    /// <summary>The saved form of <c>VaeReconstruct</c>.</summary>
    public static IEstimator<ITransformer> Reconstruct(TransformsCatalog c, VaeModel m, string input, string output, string? condition = null) =>
        Marked(c, m, () => SavedSegment.For(m, SavedStepKind.Reconstruct, input, output), input, ReconstructSteps(c, m, input, output, condition));

    /// <summary>The saved form of <c>VaeAnomalyScore</c>.</summary>
    public static IEstimator<ITransformer> AnomalyScore(TransformsCatalog c, VaeModel m, string input, string scoreColumn, string? condition = null) =>
        Marked(c, m, () => SavedSegment.For(m, SavedStepKind.AnomalyScore, input, scoreColumn), input, AnomalyScoreSteps(c, m, input, scoreColumn, condition));

    /// <summary>
    /// <paramref name="steps"/> between a copy of <paramref name="input"/> into the marker column and the drop of it (the
    /// copy is never read, so the marker costs nothing per row); without a marker for a conditional or flow pair.
    /// </summary>
    private static IEstimator<ITransformer> Marked(TransformsCatalog c, VaeModel m, Func<SavedSegment> segment, string input, IEstimator<ITransformer> steps)
    {
        if (m.IsConditional || m.Posterior is not null) return steps;
        var column = segment().ColumnName;
        return c.CopyColumns(column, input).Append(steps).Append(c.DropColumns(column));
    }

    private static IEstimator<ITransformer> EncodeSteps(TransformsCatalog c, VaeModel m, string input, string mu, string logVar, string? condition) =>
        Encoder(c, m, input, condition, noise: null, [m.EncoderMu, m.EncoderLogVar])
            .Append(Copy(c, mu, m.EncoderMu))
            .Append(Copy(c, logVar, m.EncoderLogVar))
            .Append(Drop(c, [m.EncoderInput, m.EncoderMu, m.EncoderLogVar, .. EncoderScratch(m, condition)], input, mu, logVar, condition));

    private static IEstimator<ITransformer> DecodeSteps(TransformsCatalog c, VaeModel m, string z, string output, string? condition)
    {
        IEstimator<ITransformer> chain = Copy(c, m.DecoderInput, z);
        if (condition is not null) chain = chain.Append(Copy(c, m.DecoderConditionInput!, condition));
        string[] inputs = condition is null ? [m.DecoderInput] : [m.DecoderInput, m.DecoderConditionInput!];
        return chain.Append(Onnx(c, m.DecoderBytes, inputs, [m.DecoderOutput]))
            .Append(Copy(c, output, m.DecoderOutput))
            .Append(Drop(c, [m.DecoderInput, m.DecoderOutput, .. condition is null ? [] : new[] { m.DecoderConditionInput! }], z, output, condition));
    }

    private static IEstimator<ITransformer> ReconstructSteps(TransformsCatalog c, VaeModel m, string input, string output, string? condition)
    {
        const string mu = Prefix + "mu", logVar = Prefix + "logvar";
        if (m.Posterior is null)
            return EncodeSteps(c, m, input, mu, logVar, condition).Append(DecodeSteps(c, m, mu, output, condition)).Append(Drop(c, [mu, logVar], input, output, condition));
        var first = Prefix + "z_first";
        // The encoder's columns go before decoding: the decoder's inputs may have the same names (z, c).
        return Encoder(c, m, input, condition, noise: null, [m.Posterior.ZOutput])
            .Append(FirstDraw(c, m, draws: 1, first))
            .Append(Drop(c, [m.EncoderInput, m.Posterior.ZOutput, .. EncoderScratch(m, condition)], input, first, condition))
            .Append(DecodeSteps(c, m, first, output, condition))
            .Append(Drop(c, [first], input, output, condition));
    }

    private static IEstimator<ITransformer> AnomalyScoreSteps(TransformsCatalog c, VaeModel m, string input, string scoreColumn, string? condition)
    {
        string x = Prefix + AnomalyScoreGraph.X, mu = Prefix + AnomalyScoreGraph.Mu, logVar = Prefix + AnomalyScoreGraph.LogVar, xHat = Prefix + AnomalyScoreGraph.XHat;
        var parts = VaeScoreParts.All.Select(p => Prefix + p).ToArray();
        IEstimator<ITransformer> chain = Copy(c, x, input);
        string[] scoreInputs, temporary;
        if (m.Posterior is { } p)
        {
            // The anomaly score pass's draws: zeros (the flow of mu, decoded for the reconstruction term), then the KL estimate's fixed draws.
            string z = Prefix + AnomalyScoreGraph.Z, logQ = Prefix + AnomalyScoreGraph.LogQ, first = Prefix + "z_first";
            int draws = 1 + FlowPosteriorStep.KlDraws;
            chain = chain.Append(Encoder(c, m, x, condition, FlowPosteriorStep.KlNoise(m.LatentDim), [p.ZOutput, p.LogQOutput], draws))
                .Append(Copy(c, z, p.ZOutput)).Append(Copy(c, logQ, p.LogQOutput))
                .Append(FirstDraw(c, m, draws, first, z))
                .Append(Drop(c, [m.EncoderInput, p.ZOutput, p.LogQOutput, .. EncoderScratch(m, condition)], input, x, z, logQ, first, condition))
                .Append(DecodeSteps(c, m, first, xHat, condition));
            scoreInputs = [x, z, logQ, xHat];
            temporary = [x, z, logQ, first, xHat];
        }
        else
        {
            chain = chain.Append(EncodeSteps(c, m, x, mu, logVar, condition)).Append(DecodeSteps(c, m, mu, xHat, condition));
            scoreInputs = [x, mu, logVar, xHat];
            temporary = [x, mu, logVar, xHat];
        }
        chain = chain.Append(Onnx(c, AnomalyScoreGraph.Build(m, Prefix), scoreInputs, parts, Shapes(m, scoreInputs, 1 + FlowPosteriorStep.KlDraws)))
            .Append(c.CustomMapping<VaeScoreVectors, VaeScoreScalars>(VaeScoreScalarMapping.Map, VaeScoreScalarMapping.ContractName));
        for (int i = 0; i < parts.Length; i++) chain = chain.Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.All[i]), parts[i] + "_value"));
        return chain.Append(Drop(c, [.. temporary, .. parts, .. parts.Select(q => q + "_value")], condition));
    }

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
    /// x -> a seeded draw of q(z|x): for a Gaussian posterior the encoder and <see cref="SampleLatent"/>. A flow posterior's
    /// draw is not saved (see the exception).
    /// </summary>
    public static IEstimator<ITransformer> SamplePosterior(TransformsCatalog c, VaeModel m, string input, string zColumn, int seed, string? condition)
    {
        const string mu = Prefix + "p_mu", logVar = Prefix + "p_logvar";
        if (m.Posterior is not { } p)
            return EncodeSteps(c, m, input, mu, logVar, condition).Append(SampleLatent(c, m, mu, logVar, zColumn, seed)).Append(Drop(c, [mu, logVar], input, zColumn, condition));
        // A loaded chain would rebuild a custom noise mapping without its output's vector size (ML.NET's custom-mapping
        // loader keeps no schema definition), and the ONNX transform cannot feed a vector of unknown size to the flow's
        // noise input: refuse to save rather than write a chain that fails when it is loaded.
        throw new NotSupportedException($"{m.EncoderPath}: VaeSamplePosterior of a flow posterior ({EnumText.Of(p.Kind)}) cannot be saved as an ML.NET chain; save the chain without it and draw with the transform at run time");
    }

    /// <summary>
    /// The encoder graph on <paramref name="input"/> (and the condition), producing <paramref name="outputs"/> under the
    /// graph's own names. A flow encoder takes the same <paramref name="noise"/> (<paramref name="draws"/> x L values) for
    /// every row, zeros (the flow of the mean) when it is null.
    /// </summary>
    private static IEstimator<ITransformer> Encoder(TransformsCatalog c, VaeModel m, string input, string? condition, float[]? noise, string[] outputs, int draws = 1)
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
    private static IEstimator<ITransformer> FirstDraw(TransformsCatalog c, VaeModel m, int draws, string output, string? zColumn = null)
    {
        var z = zColumn ?? m.Posterior!.ZOutput;
        return Onnx(c, FlowChainGraphs.FirstDraw(z, draws, m.LatentDim, output), [z], [output], new Dictionary<string, int[]> { [z] = [1, draws, m.LatentDim] });
    }

    /// <summary>
    /// The columns <see cref="Encoder"/> makes for the
    /// graph's marked inputs (the condition's copy, the flow's noise), dropped by its caller with the outputs it does not keep.
    /// </summary>
    private static IEnumerable<string> EncoderScratch(VaeModel m, string? condition) =>
        new[] { condition is null ? null : m.EncoderConditionInput, m.Posterior?.EpsInput }.OfType<string>();

    /// <summary>
    /// ML.NET sizes ONNX values from their declared shapes and cannot size a symbolic draws axis: the flow values among
    /// <paramref name="names"/> get it fixed (one row of <paramref name="draws"/> draws, as the chain scores one row at a time).
    /// </summary>
    private static Dictionary<string, int[]>? Shapes(VaeModel m, IEnumerable<string> names, int draws)
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

    /// <summary>
    /// A table pair's score as stock transformers: each column the encoder reads as the graph's type (numbers given as
    /// Double, Int32, Int64 or Boolean converted to Single; flags given as Boolean mapped to the file's spellings; category
    /// codes given as numbers converted to text), a conditional pair's condition column one-hot (<see cref="ConditionOneHotGraph"/>,
    /// which refuses an unknown value), the encoder, the decoder of mu, and the score graph with row-typed outputs
    /// (<see cref="TableScoreGraph"/>) copied to the transformer's columns; the user's own columns come back as they were.
    /// A <see cref="SavedSegment"/> marker lets <c>VaeModel.LoadChain</c> put the block transformer back.
    /// <paramref name="fitSchema"/> is the schema the transformer was fitted on.
    /// </summary>
    public static IEstimator<ITransformer> TableScore(TransformsCatalog c, VaeModel m, DataViewSchema fitSchema, string scoreColumn, string anomalyColumn)
    {
        var schema = m.Table!;
        var graphValues = m.Condition is null ? TableGraphNames.Reserved : [.. TableGraphNames.Reserved, m.EncoderConditionInput!, m.DecoderConditionInput!];
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
        string[] encoderInputs = [.. schema.Columns.Select(k => k.Name)], decoderInputs = [TableGraphNames.Z];
        if (m.Condition is { } condition)
        {
            if (fitSchema[condition.Column].Type is not TextDataViewType)
                throw new NotSupportedException($"condition column '{condition.Column}' is {fitSchema[condition.Column].Type}; the saved chain reads it as Text (one of {string.Join(", ", condition.Classes)})");
            chain = chain.Append(Onnx(c, ConditionOneHotGraph.Build(condition, m.EncoderConditionInput!), [condition.Column], [m.EncoderConditionInput!]))
                .Append(Copy(c, m.DecoderConditionInput!, m.EncoderConditionInput!));
            encoderInputs = [.. encoderInputs, m.EncoderConditionInput!];
            decoderInputs = [TableGraphNames.Z, m.DecoderConditionInput!];
        }
        chain = chain
            .Append(Onnx(c, m.EncoderBytes, encoderInputs, encoderOutputs))
            .Append(c.CopyColumns(TableGraphNames.Z, TableGraphNames.Mu))
            .Append(Onnx(c, m.DecoderBytes, decoderInputs, [TableGraphNames.Logits]))
            .Append(Onnx(c, TableScoreGraph.Build(m.Table!, m.LatentDim, m.DecoderLogVar, m.PairId, rowOutputs: true, outputPrefix: Prefix),
                [TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown, TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Logits],
                parts.Select(p => Prefix + p).ToArray()))
            .Append(c.CustomMapping<VaeTableScoreVectors, VaeTableScoreScalars>(VaeTableScoreScalarMapping.Map, VaeTableScoreScalarMapping.ContractName))
            .Append(c.CopyColumns(scoreColumn, Prefix + VaeScoreParts.Score + "_value"))
            .Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.Reconstruction), Prefix + VaeScoreParts.Reconstruction + "_value"))
            .Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.Kl), Prefix + VaeScoreParts.Kl + "_value"))
            .Append(c.CopyColumns(VaeTableScoreEstimator.ContributionsColumn(scoreColumn), Prefix + TableScoreGraph.Contributions))
            .Append(c.CopyColumns(anomalyColumn, Prefix + TableScoreGraph.IsAnomaly + "_value"));
        foreach (var name in restore) chain = chain.Append(c.CopyColumns(name, Prefix + "user." + name));
        chain = chain.Append(Drop(c, [.. encoderOutputs, TableGraphNames.Z, TableGraphNames.Logits, .. parts.Select(p => Prefix + p),
            .. parts.Where(p => p != TableScoreGraph.Contributions).Select(p => Prefix + p + "_value"), .. restore.Select(n => Prefix + "user." + n),
            .. m.Condition is null ? [] : new[] { m.EncoderConditionInput!, m.DecoderConditionInput! }]));
        // The marker copies the first table column: the block transformer that VaeModel.LoadChain puts back reads the
        // columns (and a condition column) by the names the pair's schema records.
        var marker = SavedSegment.For(m, SavedStepKind.TableScore, scoreColumn, anomalyColumn).ColumnName;
        return c.CopyColumns(marker, schema.Columns[0].Name).Append(chain).Append(c.DropColumns(marker));
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
    private static IEstimator<ITransformer> Onnx(TransformsCatalog c, byte[] graph, string[] inputs, string[] outputs, IDictionary<string, int[]>? shapes = null) =>
        shapes is null
            ? c.ApplyOnnxModel(outputs, inputs, new MemoryStream(graph, writable: false), gpuDeviceId: null, fallbackToCpu: false)
            : c.ApplyOnnxModel(outputs, inputs, new MemoryStream(graph, writable: false), shapes, gpuDeviceId: null, fallbackToCpu: false);

    private static IEstimator<ITransformer> Copy(TransformsCatalog c, string to, string from) =>
        to == from ? new EstimatorChain<ITransformer>() : c.CopyColumns(to, from);

    /// <summary>Drops the intermediate columns, keeping any that the caller asked for by name.</summary>
    private static IEstimator<ITransformer> Drop(TransformsCatalog c, IEnumerable<string> temporary, params string?[] keep)
    {
        var drop = temporary.Where(t => !keep.Contains(t)).Distinct().ToArray();
        return drop.Length == 0 ? new EstimatorChain<ITransformer>() : c.DropColumns(drop);
    }
}
