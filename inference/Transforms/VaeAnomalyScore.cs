using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Scores how unusual each row is: the negative ELBO with z = mu (deterministic),
/// <c>score = -log p(x | z = mu) + KL(q(z|x) || N(0, I))</c>, computed in the space the model was trained in
/// (raw inputs are scaled with the model's recorded scaling). Bernoulli: -sum[s log p + (1-s) log(1-p)] with p clamped to
/// [1e-7, 1-1e-7]; Gaussian: 0.5 sum[log 2 pi + lv + (s-m)^2 / exp(lv)]. Higher is more anomalous. Besides
/// <c>scoreColumn</c> it adds <c>{scoreColumn}_recon</c>, <c>{scoreColumn}_kl</c> and <c>{scoreColumn}_sqerr</c>
/// (squared reconstruction error in raw units; see <see cref="VaeScoreParts"/>). NaN or infinite inputs give a NaN score rather than an error.
/// </summary>
public sealed class VaeAnomalyScoreEstimator : VaeEstimatorBase<VaeAnomalyScoreTransformer>
{
    private static readonly ScoredValue[] Values = [ScoredValue.Score, ScoredValue.Reconstruction, ScoredValue.Kl, ScoredValue.SquaredError];
    private readonly string? _condition;
    private readonly string _input, _score;

    internal VaeAnomalyScoreEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string scoreColumn, string? conditionColumn = null) : base(catalog, model)
    {
        (_input, _score, _condition) = (inputColumn, scoreColumn, ConditionColumnFor(model, conditionColumn));
    }

    private protected override IReadOnlyList<RequiredInput> Inputs => WithCondition(_condition, _input, Model.InputDim);

    private protected override IReadOnlyList<ScoredColumn> Outputs =>
        VaeScoreParts.All.Select((p, i) => new ScoredColumn(VaeScoreParts.Column(_score, p), Values[i], NumberDataViewType.Single)).ToArray();

    private protected override VaeAnomalyScoreTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, Plan(new AnomalyScorePass(Model)), () => SavedForm(Catalog, Model, _input, _score, _condition), inputSchema);

    /// <summary>The saved form: a <see cref="SavedSegment"/> marker around <see cref="SavedSteps"/>.</summary>
    private static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, string input, string scoreColumn, string? condition) =>
        SavedChain.Marked(c, m, () => SavedSegment.For(m, SavedStepKind.AnomalyScore, input, scoreColumn), input, SavedSteps(c, m, input, scoreColumn, condition));

    /// <summary>
    /// The encoder and decoder saved steps (for a flow posterior the encoder with the score pass's draws: zeros, the flow of
    /// mu decoded for the reconstruction term, then the KL estimate's fixed draws), the score graph with prefixed names, and
    /// <see cref="VaeScoreScalarMapping"/> to single floats.
    /// </summary>
    private static IEstimator<ITransformer> SavedSteps(TransformsCatalog c, VaeModel m, string input, string scoreColumn, string? condition)
    {
        const string prefix = SavedChain.Prefix;
        string x = prefix + AnomalyScoreGraph.X, mu = prefix + AnomalyScoreGraph.Mu, logVar = prefix + AnomalyScoreGraph.LogVar, xHat = prefix + AnomalyScoreGraph.XHat;
        var parts = VaeScoreParts.All.Select(p => prefix + p).ToArray();
        IEstimator<ITransformer> chain = SavedChain.Copy(c, x, input);
        string[] scoreInputs, temporary;
        int draws = 1 + FlowPosteriorStep.KlDraws;
        if (m.Posterior is { } p)
        {
            string z = prefix + AnomalyScoreGraph.Z, logQ = prefix + AnomalyScoreGraph.LogQ, first = prefix + "z_first";
            chain = chain.Append(SavedChain.Encoder(c, m, x, condition, FlowPosteriorStep.KlNoise(m.LatentDim), [p.ZOutput, p.LogQOutput], draws))
                .Append(SavedChain.Copy(c, z, p.ZOutput)).Append(SavedChain.Copy(c, logQ, p.LogQOutput))
                .Append(SavedChain.FirstDraw(c, m, draws, first, z))
                .Append(SavedChain.Drop(c, [m.EncoderInput, p.ZOutput, p.LogQOutput, .. SavedChain.EncoderScratch(m, condition)], input, x, z, logQ, first, condition))
                .Append(VaeDecodeEstimator.SavedSteps(c, m, first, xHat, condition));
            scoreInputs = [x, z, logQ, xHat];
            temporary = [x, z, logQ, first, xHat];
        }
        else
        {
            chain = chain.Append(VaeEncodeEstimator.SavedSteps(c, m, x, mu, logVar, condition)).Append(VaeDecodeEstimator.SavedSteps(c, m, mu, xHat, condition));
            scoreInputs = [x, mu, logVar, xHat];
            temporary = [x, mu, logVar, xHat];
        }
        chain = chain.Append(SavedChain.Onnx(c, AnomalyScoreGraph.Build(m, prefix), scoreInputs, parts, SavedChain.Shapes(m, scoreInputs, draws)))
            .Append(c.CustomMapping<VaeScoreVectors, VaeScoreScalars>(VaeScoreScalarMapping.Map, VaeScoreScalarMapping.ContractName));
        for (int i = 0; i < parts.Length; i++) chain = chain.Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.All[i]), parts[i] + "_value"));
        return chain.Append(SavedChain.Drop(c, [.. temporary, .. parts, .. parts.Select(q => q + "_value")], condition));
    }
}

/// <summary>The fitted form of <see cref="VaeAnomalyScoreEstimator"/>.</summary>
public sealed class VaeAnomalyScoreTransformer : VaeTransformerBase
{
    internal VaeAnomalyScoreTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}

/// <summary>
/// Turns the anomaly graph's one-element vectors into float columns. It is an ML.NET custom mapping, saved by contract
/// name: an application that loads a saved chain with an anomaly score first calls
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(VaeModel).Assembly)</c> (or <see cref="VaeModel.Register"/>).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class VaeScoreScalarMapping : CustomMappingFactory<VaeScoreVectors, VaeScoreScalars>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "VaeOnnx.AnomalyScoreScalars";

    /// <summary>The mapping itself.</summary>
    public static void Map(VaeScoreVectors input, VaeScoreScalars output)
    {
        output.Score = input.Score[0];
        output.Reconstruction = input.Reconstruction[0];
        output.Kl = input.Kl[0];
        output.SquaredError = input.SquaredError[0];
    }

    /// <inheritdoc />
    public override Action<VaeScoreVectors, VaeScoreScalars> GetMapping() => Map;
}

/// <summary>The anomaly-score graph's outputs as ML.NET reads them: one-element vectors (ONNX [N] with N = 1 per row).</summary>
internal sealed class VaeScoreVectors
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score"), VectorType(1)] public float[] Score { get; set; } = [];
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon"), VectorType(1)] public float[] Reconstruction { get; set; } = [];
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl"), VectorType(1)] public float[] Kl { get; set; } = [];
    /// <summary>Squared reconstruction error.</summary>
    [ColumnName(SavedChain.Prefix + "sqerr"), VectorType(1)] public float[] SquaredError { get; set; } = [];
}

/// <summary>The anomaly score and its parts as single floats.</summary>
internal sealed class VaeScoreScalars
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score_value")] public float Score { get; set; }
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon_value")] public float Reconstruction { get; set; }
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl_value")] public float Kl { get; set; }
    /// <summary>Squared reconstruction error.</summary>
    [ColumnName(SavedChain.Prefix + "sqerr_value")] public float SquaredError { get; set; }
}
