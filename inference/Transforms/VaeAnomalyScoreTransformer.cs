using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeAnomalyScoreEstimator"/>.</summary>
public sealed class VaeAnomalyScoreTransformer : VaeTransformerBase
{
    internal VaeAnomalyScoreTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
