using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeSamplePosteriorEstimator"/>.</summary>
public sealed class VaeSamplePosteriorTransformer : VaeTransformerBase
{
    internal VaeSamplePosteriorTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
