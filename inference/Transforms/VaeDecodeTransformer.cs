using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeDecodeEstimator"/>.</summary>
public sealed class VaeDecodeTransformer : VaeTransformerBase
{
    internal VaeDecodeTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
