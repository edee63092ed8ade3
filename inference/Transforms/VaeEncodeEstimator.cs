using Microsoft.ML;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>Encodes a column of raw feature vectors [D] into the posterior mean and log-variance columns [L].</summary>
public sealed class VaeEncodeEstimator : VaeEstimatorBase<VaeEncodeTransformer>
{
    private readonly string? _condition;
    private readonly string _input, _mu, _logVar;

    internal VaeEncodeEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string muColumn, string logVarColumn, string? conditionColumn = null) : base(catalog, model)
    {
        (_input, _mu, _logVar, _condition) = (inputColumn, muColumn, logVarColumn, ConditionColumnFor(model, conditionColumn));
    }

    private protected override IReadOnlyList<(string Column, int Size)> RequiredInputs => WithCondition(_condition, (_input, Model.InputDim));

    private protected override IReadOnlyList<(string Name, int Width)> Outputs => [(_mu, Model.LatentDim), (_logVar, Model.LatentDim)];

    private protected override VaeEncodeTransformer Create(DataViewSchema inputSchema)
    {
        var plan = new ScoringPlan(new EncodePass(Model), _input,
            [new(_mu, ScoredValue.Mu, VectorOf(Model.LatentDim)), new(_logVar, ScoredValue.LogVar, VectorOf(Model.LatentDim))], BlockSize) { ConditionColumn = _condition };
        return new VaeEncodeTransformer(Model.PairId, plan, () => SavedChain.Encode(Catalog, Model, _input, _mu, _logVar, _condition), inputSchema);
    }
}
