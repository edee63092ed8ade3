using Microsoft.ML;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeEncodeEstimator"/>.</summary>
public sealed class VaeEncodeTransformer : VaeTransformerBase
{
    internal VaeEncodeTransformer(ITransformer inner, string pairId, Blocks.VaeBlockScoring? blocks = null) : base(inner, pairId, blocks)
    {
    }
}
