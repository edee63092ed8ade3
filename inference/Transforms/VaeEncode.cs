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

    private protected override IReadOnlyList<RequiredInput> Inputs => WithCondition(_condition, _input, Model.InputDim);

    private protected override IReadOnlyList<ScoredColumn> Outputs =>
        [new(_mu, ScoredValue.Mu, VectorOf(Model.LatentDim)), new(_logVar, ScoredValue.LogVar, VectorOf(Model.LatentDim))];

    private protected override VaeEncodeTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, Plan(new EncodePass(Model)), () => SavedForm(Catalog, Model, _input, _mu, _logVar, _condition), inputSchema);

    /// <summary>The saved form: a <see cref="SavedSegment"/> marker around <see cref="SavedSteps"/>.</summary>
    private static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, string input, string mu, string logVar, string? condition) =>
        SavedChain.Marked(c, m, () => SavedSegment.For(m, SavedStepKind.Encode, input, mu, logVar), input, SavedSteps(c, m, input, mu, logVar, condition));

    /// <summary>The encoder as stock transformers, <paramref name="input"/> to <paramref name="mu"/> and <paramref name="logVar"/>; other saved forms start with it.</summary>
    internal static IEstimator<ITransformer> SavedSteps(TransformsCatalog c, VaeModel m, string input, string mu, string logVar, string? condition) =>
        SavedChain.Encoder(c, m, input, condition, noise: null, [m.EncoderMu, m.EncoderLogVar])
            .Append(SavedChain.Copy(c, mu, m.EncoderMu))
            .Append(SavedChain.Copy(c, logVar, m.EncoderLogVar))
            .Append(SavedChain.Drop(c, [m.EncoderInput, m.EncoderMu, m.EncoderLogVar, .. SavedChain.EncoderScratch(m, condition)], input, mu, logVar, condition));
}

/// <summary>The fitted form of <see cref="VaeEncodeEstimator"/>.</summary>
public sealed class VaeEncodeTransformer : VaeTransformerBase
{
    internal VaeEncodeTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
