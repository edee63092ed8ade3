using Microsoft.ML;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>Decodes a column of latent vectors [L] into x_hat [D]: Bernoulli probabilities or the Gaussian mean, in raw units.</summary>
public sealed class VaeDecodeEstimator : VaeEstimatorBase<VaeDecodeTransformer>
{
    private readonly string? _condition;
    private readonly string _z, _output;

    internal VaeDecodeEstimator(TransformsCatalog catalog, VaeModel model, string zColumn, string outputColumn, string? conditionColumn = null) : base(catalog, model)
    {
        (_z, _output, _condition) = (zColumn, outputColumn, ConditionColumnFor(model, conditionColumn));
    }

    private protected override IReadOnlyList<(string Column, int Size)> RequiredInputs => WithCondition(_condition, (_z, Model.LatentDim));

    private protected override IReadOnlyList<(string Name, int Width)> Outputs => [(_output, Model.InputDim)];

    private protected override VaeDecodeTransformer Create(DataViewSchema inputSchema)
    {
        var plan = new ScoringPlan(new DecodePass(Model), _z,
            [new(_output, ScoredValue.XHat, VectorOf(Model.InputDim))], BlockSize) { ConditionColumn = _condition };
        return new VaeDecodeTransformer(Model.PairId, plan, () => SavedChain.Decode(Catalog, Model, _z, _output, _condition), inputSchema);
    }
}
