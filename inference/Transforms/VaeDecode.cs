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

    private protected override IReadOnlyList<RequiredInput> Inputs => WithCondition(_condition, _z, Model.LatentDim);

    private protected override IReadOnlyList<ScoredColumn> Outputs => [new(_output, ScoredValue.XHat, VectorOf(Model.InputDim))];

    private protected override VaeDecodeTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, Plan(new DecodePass(Model)), () => SavedForm(Catalog, Model, _z, _output, _condition), inputSchema);

    /// <summary>The saved form: a <see cref="SavedSegment"/> marker around <see cref="SavedSteps"/>.</summary>
    private static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, string z, string output, string? condition) =>
        SavedChain.Marked(c, m, () => SavedSegment.For(m, SavedStepKind.Decode, z, output), z, SavedSteps(c, m, z, output, condition));

    /// <summary>The decoder as stock transformers, <paramref name="z"/> to <paramref name="output"/>; the reconstruction and score saved forms end with it.</summary>
    internal static IEstimator<ITransformer> SavedSteps(TransformsCatalog c, VaeModel m, string z, string output, string? condition)
    {
        IEstimator<ITransformer> chain = SavedChain.Copy(c, m.DecoderInput, z);
        if (condition is not null) chain = chain.Append(SavedChain.Copy(c, m.DecoderConditionInput!, condition));
        string[] inputs = condition is null ? [m.DecoderInput] : [m.DecoderInput, m.DecoderConditionInput!];
        return chain.Append(SavedChain.Onnx(c, m.DecoderBytes, inputs, [m.DecoderOutput]))
            .Append(SavedChain.Copy(c, output, m.DecoderOutput))
            .Append(SavedChain.Drop(c, [m.DecoderInput, m.DecoderOutput, .. condition is null ? [] : new[] { m.DecoderConditionInput! }], z, output, condition));
    }
}

/// <summary>The fitted form of <see cref="VaeDecodeEstimator"/>.</summary>
public sealed class VaeDecodeTransformer : VaeTransformerBase
{
    internal VaeDecodeTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
