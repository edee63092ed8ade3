using Microsoft.ML;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeAnomalyScoreEstimator"/>.</summary>
public sealed class VaeAnomalyScoreTransformer : VaeTransformerBase
{
    internal VaeAnomalyScoreTransformer(ITransformer inner, string pairId, Blocks.VaeBlockScoring? blocks = null) : base(inner, pairId, blocks)
    {
    }
}
