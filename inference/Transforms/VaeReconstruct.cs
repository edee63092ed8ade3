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

    private protected override IReadOnlyList<RequiredInput> Inputs => WithCondition(_condition, _input, Model.InputDim);

    private protected override IReadOnlyList<ScoredColumn> Outputs => [new(_output, ScoredValue.XHat, VectorOf(Model.InputDim))];

    private protected override VaeReconstructTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, Plan(new ReconstructPass(Model)), () => SavedForm(Catalog, Model, _input, _output, _condition), inputSchema);

    /// <summary>
    /// The saved form: the encoder's and the decoder's saved steps through the mean (for a flow posterior the encoder with
    /// zero noise and its first draw, the flow of the mean), in a <see cref="SavedSegment"/> marker.
    /// </summary>
    private static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, string input, string output, string? condition) =>
        SavedChain.Marked(c, m, () => SavedSegment.For(m, SavedStepKind.Reconstruct, input, output), input, SavedSteps(c, m, input, output, condition));

    private static IEstimator<ITransformer> SavedSteps(TransformsCatalog c, VaeModel m, string input, string output, string? condition)
    {
        const string mu = SavedChain.Prefix + "mu", logVar = SavedChain.Prefix + "logvar";
        if (m.Posterior is null)
            return VaeEncodeEstimator.SavedSteps(c, m, input, mu, logVar, condition).Append(VaeDecodeEstimator.SavedSteps(c, m, mu, output, condition))
                .Append(SavedChain.Drop(c, [mu, logVar], input, output, condition));
        var first = SavedChain.Prefix + "z_first";
        // The encoder's columns go before decoding: the decoder's inputs may have the same names (z, c).
        return SavedChain.Encoder(c, m, input, condition, noise: null, [m.Posterior.ZOutput])
            .Append(SavedChain.FirstDraw(c, m, draws: 1, first))
            .Append(SavedChain.Drop(c, [m.EncoderInput, m.Posterior.ZOutput, .. SavedChain.EncoderScratch(m, condition)], input, first, condition))
            .Append(VaeDecodeEstimator.SavedSteps(c, m, first, output, condition))
            .Append(SavedChain.Drop(c, [first], input, output, condition));
    }
}

/// <summary>The fitted form of <see cref="VaeReconstructEstimator"/>.</summary>
public sealed class VaeReconstructTransformer : VaeTransformerBase
{
    internal VaeReconstructTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
