using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeReconstructEstimator"/>.</summary>
public sealed class VaeReconstructTransformer : VaeTransformerBase
{
    internal VaeReconstructTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
