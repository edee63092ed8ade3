using Microsoft.ML;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>Reconstructs inputs: decodes the posterior mean of each row (no sampling), giving x_hat [D] in raw units.</summary>
public sealed class VaeReconstructEstimator : VaeEstimatorBase<VaeReconstructTransformer>
{
    private readonly string? _condition;
    private readonly string _input, _output;

    internal VaeReconstructEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string outputColumn, string? conditionColumn = null) : base(catalog, model)
    {
        (_input, _output, _condition) = (inputColumn, outputColumn, ConditionColumnFor(model, conditionColumn));
    }

    private protected override IReadOnlyList<(string Column, int Size)> RequiredInputs => WithCondition(_condition, (_input, Model.InputDim));

    private protected override IReadOnlyList<(string Name, int Width)> Outputs => [(_output, Model.InputDim)];

    private protected override VaeReconstructTransformer Create(DataViewSchema inputSchema)
    {
        var plan = new ScoringPlan(new ReconstructPass(Model), _input,
            [new(_output, ScoredValue.XHat, VectorOf(Model.InputDim))], BlockSize) { ConditionColumn = _condition };
        return new VaeReconstructTransformer(Model.PairId, plan, () => SavedChain.Reconstruct(Catalog, Model, _input, _output, _condition), inputSchema);
    }
}
