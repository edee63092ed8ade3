using Microsoft.ML;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeReconstructEstimator"/>.</summary>
public sealed class VaeReconstructTransformer : VaeTransformerBase
{
    internal VaeReconstructTransformer(ITransformer inner, string pairId, Blocks.VaeBlockScoring? blocks = null) : base(inner, pairId, blocks)
    {
    }
}
