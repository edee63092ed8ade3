using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The form in which a VaeOnnx transformer is saved: a chain of ML.NET's own transformers (ONNX scoring of the pair's
/// graphs, column copies and registered custom mappings). ML.NET keeps the loading of third-party transformer state
/// internal (its <c>LoadableClass</c>, <c>ModelLoadContext</c> and <c>VersionInfo</c> are not public), so delegating
/// to stock transformers is what lets <c>mlContext.Model.Save/Load</c> carry the ONNX bytes inside the zip. A loaded
/// model comes back as this chain and maps rows the same way, one ONNX Runtime call per row. A conditional pair's chain
/// copies the condition column to both graphs' condition input; a flow posterior's chain feeds the encoder the noise the
/// scoring engine uses (from a small graph, or the seeded noise mapping) with its draws axis fixed for ML.NET.
/// </summary>
internal static class SavedChain
{
    /// <summary>Column-name prefix reserved for the chain's intermediate columns.</summary>
    public const string Prefix = "__vae_";

    private const string Eps = Prefix + "eps", Z = Prefix + "z", LogQ = Prefix + "log_q";

    public static IEstimator<ITransformer> Encode(TransformsCatalog c, VaeModel m, string input, string mu, string logVar, string? condition = null) =>
        Encoder(c, m, input, condition, noise: null, [m.EncoderMu, m.EncoderLogVar])
            .Append(Copy(c, mu, m.EncoderMu))
            .Append(Copy(c, logVar, m.EncoderLogVar))
            .Append(Drop(c, [m.EncoderInput, m.EncoderMu, m.EncoderLogVar, .. Marked(m)], input, mu, logVar, condition));

    public static IEstimator<ITransformer> Decode(TransformsCatalog c, VaeModel m, string z, string output, string? condition = null)
    {
        IEstimator<ITransformer> chain = Copy(c, m.DecoderInput, z);
        if (condition is not null) chain = chain.Append(Copy(c, m.DecoderConditionInput!, condition));
        string[] inputs = condition is null ? [m.DecoderInput] : [m.DecoderInput, m.DecoderConditionInput!];
        return chain.Append(Onnx(c, m.DecoderBytes, inputs, [m.DecoderOutput]))
            .Append(Copy(c, output, m.DecoderOutput))
            .Append(Drop(c, [m.DecoderInput, m.DecoderOutput, .. condition is null ? [] : new[] { m.DecoderConditionInput! }], z, output, condition));
    }

    public static IEstimator<ITransformer> Reconstruct(TransformsCatalog c, VaeModel m, string input, string output, string? condition = null)
    {
        const string mu = Prefix + "mu", logVar = Prefix + "logvar";
        if (m.Posterior is null)
            return Encode(c, m, input, mu, logVar, condition).Append(Decode(c, m, mu, output, condition)).Append(Drop(c, [mu, logVar], input, output, condition));
        var first = Prefix + "z_first";
        return Encoder(c, m, input, condition, noise: null, [m.Posterior.ZOutput])
            .Append(FirstDraw(c, m, draws: 1, first))
            .Append(Decode(c, m, first, output, condition))
            .Append(Drop(c, [first, m.EncoderInput, m.Posterior.ZOutput, .. Marked(m)], input, output, condition));
    }

    public static IEstimator<ITransformer> AnomalyScore(TransformsCatalog c, VaeModel m, string input, string scoreColumn, string? condition = null)
    {
        string x = Prefix + AnomalyScoreGraph.X, mu = Prefix + AnomalyScoreGraph.Mu, logVar = Prefix + AnomalyScoreGraph.LogVar, xHat = Prefix + AnomalyScoreGraph.XHat;
        var parts = VaeScoreParts.All.Select(p => Prefix + p).ToArray();
        IEstimator<ITransformer> chain = Copy(c, x, input);
        string[] scoreInputs, temporary;
        if (m.Posterior is { } p)
        {
            // The engine's draws: zeros (the flow of mu, decoded for the reconstruction term), then the KL estimate's fixed draws.
            string z = Prefix + AnomalyScoreGraph.Z, logQ = Prefix + AnomalyScoreGraph.LogQ, first = Prefix + "z_first";
            int draws = 1 + VaeScoringEngine.FlowKlDraws;
            chain = chain.Append(Encoder(c, m, x, condition, VaeScoringEngine.KlNoise(m.LatentDim), null, [p.ZOutput, p.LogQOutput], draws))
                .Append(Copy(c, z, p.ZOutput)).Append(Copy(c, logQ, p.LogQOutput))
                .Append(FirstDraw(c, m, draws, first, z))
                .Append(Decode(c, m, first, xHat, condition));
            scoreInputs = [x, z, logQ, xHat];
            temporary = [x, z, logQ, first, xHat, m.EncoderInput, p.ZOutput, p.LogQOutput, .. Marked(m)];
        }
        else
        {
            chain = chain.Append(Encode(c, m, x, mu, logVar, condition)).Append(Decode(c, m, mu, xHat, condition));
            scoreInputs = [x, mu, logVar, xHat];
            temporary = [x, mu, logVar, xHat];
        }
        chain = chain.Append(Onnx(c, AnomalyScoreGraph.Build(m, Prefix), scoreInputs, parts, Shapes(m, scoreInputs, 1 + VaeScoringEngine.FlowKlDraws)))
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
    /// x -> a seeded draw of q(z|x): for a Gaussian posterior the encoder and <see cref="SampleLatent"/>; for a flow the
    /// same noise (<see cref="VaeLatentNoiseMapping"/> of mu, logvar and the seed) through the encoder again.
    /// </summary>
    public static IEstimator<ITransformer> SamplePosterior(TransformsCatalog c, VaeModel m, string input, string zColumn, int seed, string? condition)
    {
        const string mu = Prefix + "p_mu", logVar = Prefix + "p_logvar";
        var encode = Encode(c, m, input, mu, logVar, condition);
        if (m.Posterior is not { } p)
            return encode.Append(SampleLatent(c, m, mu, logVar, zColumn, seed)).Append(Drop(c, [mu, logVar], input, zColumn, condition));
        const string s_mu = Prefix + "s_mu", s_logvar = Prefix + "s_logvar", seedColumn = Prefix + "s_seed", first = Prefix + "z_first";
        return encode.Append(Copy(c, s_mu, mu)).Append(Copy(c, s_logvar, logVar))
            .Append(Onnx(c, SeedGraph.Build(m.LatentDim, seed, s_mu, seedColumn), [s_mu], [seedColumn]))
            .Append(c.CustomMapping<VaeLatentSampleInput, VaeLatentNoise>(VaeLatentNoiseMapping.Map, VaeLatentNoiseMapping.ContractName,
                outputSchemaDefinition: VaeLatentNoiseMapping.Schema(m.LatentDim)))
            .Append(Encoder(c, m, input, condition, noise: Eps, [p.ZOutput]))
            .Append(FirstDraw(c, m, draws: 1, first))
            .Append(Copy(c, zColumn, first))
            .Append(Drop(c, [mu, logVar, s_mu, s_logvar, seedColumn, Eps, first, m.EncoderInput, p.ZOutput, .. Marked(m)], input, zColumn, condition));
    }

    /// <summary>
    /// The encoder graph on <paramref name="input"/> (and the condition), producing <paramref name="outputs"/> under the
    /// graph's own names. A flow encoder takes <paramref name="noise"/> (a column of <paramref name="draws"/> x L values),
    /// or zeros when it is null.
    /// </summary>
    private static IEstimator<ITransformer> Encoder(TransformsCatalog c, VaeModel m, string input, string? condition, string? noise, string[] outputs, int draws = 1) =>
        Encoder(c, m, input, condition, noise is null && m.Posterior is not null ? new float[draws * m.LatentDim] : null, noise, outputs, draws);

    private static IEstimator<ITransformer> Encoder(TransformsCatalog c, VaeModel m, string input, string? condition, float[]? noiseValues, string? noiseColumn,
        string[] outputs, int draws)
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
            chain = noiseValues is not null
                ? chain.Append(Onnx(c, FlowChainGraphs.Noise(m.EncoderInput, m.InputDim, p.EpsInput, noiseValues, m.LatentDim), [m.EncoderInput], [p.EpsInput]))
                : chain.Append(Copy(c, p.EpsInput, noiseColumn!));
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

    /// <summary>The graph inputs and outputs a pair marks (condition, noise, draws), dropped with the chain's other intermediate columns.</summary>
    private static IEnumerable<string> Marked(VaeModel m) =>
        new[] { m.EncoderConditionInput, m.Posterior?.EpsInput, m.Posterior?.LogQOutput }.OfType<string>();

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
