using Microsoft.ML;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeDecodeEstimator"/>.</summary>
public sealed class VaeDecodeTransformer : VaeTransformerBase
{
    internal VaeDecodeTransformer(ITransformer inner, string pairId, Blocks.VaeBlockScoring? blocks = null) : base(inner, pairId, blocks)
    {
    }
}
