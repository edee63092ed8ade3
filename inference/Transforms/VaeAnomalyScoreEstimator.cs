using Microsoft.ML;
using Microsoft.ML.Data;
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

    private protected override IReadOnlyList<(string Column, int Size)> RequiredInputs => WithCondition(_condition, (_input, Model.InputDim));

    private protected override IReadOnlyList<(string Name, int Width)> Outputs => VaeScoreParts.All.Select(p => (VaeScoreParts.Column(_score, p), 0)).ToArray();

    private protected override VaeAnomalyScoreTransformer Create(DataViewSchema inputSchema)
    {
        var outputs = VaeScoreParts.All.Select((p, i) => new ScoredColumn(VaeScoreParts.Column(_score, p), Values[i], NumberDataViewType.Single)).ToArray();
        var plan = new ScoringPlan(new AnomalyScorePass(Model), _input, outputs, BlockSize) { ConditionColumn = _condition };
        return new VaeAnomalyScoreTransformer(Model.PairId, plan, () => SavedChain.AnomalyScore(Catalog, Model, _input, _score, _condition), inputSchema);
    }
}
