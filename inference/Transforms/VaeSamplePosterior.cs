using VaeOnnx.Contract;
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

    private protected override IReadOnlyList<RequiredInput> Inputs => WithCondition(_condition, _input, Model.InputDim);

    private protected override IReadOnlyList<ScoredColumn> Outputs => [new(_z, ScoredValue.Z, VectorOf(Model.LatentDim))];

    private protected override VaeSamplePosteriorTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, Plan(new SamplePosteriorPass(Model, _seed)), () => SavedForm(Catalog, Model, _input, _z, _seed, _condition), inputSchema);

    /// <summary>
    /// x -> a seeded draw of q(z|x): for a Gaussian posterior the encoder's saved steps and the latent sample's saved form.
    /// A flow posterior's draw is not saved (see the exception).
    /// </summary>
    private static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, string input, string zColumn, int seed, string? condition)
    {
        const string mu = SavedChain.Prefix + "p_mu", logVar = SavedChain.Prefix + "p_logvar";
        if (m.Posterior is not { } p)
            return VaeEncodeEstimator.SavedSteps(c, m, input, mu, logVar, condition).Append(VaeSampleLatentEstimator.SavedForm(c, m, mu, logVar, zColumn, seed))
                .Append(SavedChain.Drop(c, [mu, logVar], input, zColumn, condition));
        // A loaded chain would rebuild a custom noise mapping without its output's vector size (ML.NET's custom-mapping
        // loader keeps no schema definition), and the ONNX transform cannot feed a vector of unknown size to the flow's
        // noise input: refuse to save rather than write a chain that fails when it is loaded.
        throw new NotSupportedException($"{m.EncoderPath}: VaeSamplePosterior of a flow posterior ({EnumText.Of(p.Kind)}) cannot be saved as an ML.NET chain; save the chain without it and draw with the transform at run time");
    }
}

/// <summary>The fitted form of <see cref="VaeSamplePosteriorEstimator"/>.</summary>
public sealed class VaeSamplePosteriorTransformer : VaeTransformerBase
{
    internal VaeSamplePosteriorTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
