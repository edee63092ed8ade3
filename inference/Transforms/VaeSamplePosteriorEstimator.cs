using Microsoft.ML;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Draws z from q(z|x) per row of raw features, reproducibly for a seed: the noise is a hash of the seed and the row's
/// posterior mean and log-variance (as for <see cref="VaeSampleLatentEstimator"/>, which a Gaussian pair's draws equal),
/// and for a flow posterior it goes through the flow in the encoder graph, so that z follows the posterior the model
/// was trained with.
/// </summary>
public sealed class VaeSamplePosteriorEstimator : VaeEstimatorBase<VaeSamplePosteriorTransformer>
{
    private readonly string? _condition;
    private readonly string _input, _z;
    private readonly int _seed;

    internal VaeSamplePosteriorEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string zColumn, int seed, string? conditionColumn) : base(catalog, model)
    {
        if (seed < 0 || seed > SeedGraph.MaxSeed) throw new ArgumentOutOfRangeException(nameof(seed), seed, $"seeds from 0 to {SeedGraph.MaxSeed} are exact in the saved form");
        (_input, _z, _seed, _condition) = (inputColumn, zColumn, seed, ConditionColumnFor(model, conditionColumn));
    }

    private protected override IReadOnlyList<(string Column, int Size)> RequiredInputs => WithCondition(_condition, (_input, Model.InputDim));

    private protected override IReadOnlyList<(string Name, int Width)> Outputs => [(_z, Model.LatentDim)];

    private protected override VaeSamplePosteriorTransformer Create(DataViewSchema inputSchema)
    {
        var plan = new ScoringPlan(new SamplePosteriorPass(Model, _seed), _input,
            [new(_z, ScoredValue.Z, VectorOf(Model.LatentDim))], BlockSize) { ConditionColumn = _condition };
        return new VaeSamplePosteriorTransformer(Model.PairId, plan, () => SavedChain.SamplePosterior(Catalog, Model, _input, _z, _seed, _condition), inputSchema);
    }
}
