using Microsoft.ML;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeSampleLatentEstimator"/>.</summary>
public sealed class VaeSampleLatentTransformer : VaeTransformerBase
{
    internal VaeSampleLatentTransformer(ITransformer inner, string pairId, Blocks.VaeBlockScoring? blocks = null) : base(inner, pairId, blocks)
    {
    }
}
