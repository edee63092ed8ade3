using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeEncodeEstimator"/>.</summary>
public sealed class VaeEncodeTransformer : VaeTransformerBase
{
    internal VaeEncodeTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
