using Microsoft.ML;

namespace VaeOnnx.Inference.Transforms;

/// <summary>The fitted form of <see cref="VaeSampleLatentEstimator"/>.</summary>
public sealed class VaeSampleLatentTransformer : VaeTransformerBase
{
    internal VaeSampleLatentTransformer(string pairId, ITransformer stock) : base(pairId, stock)
    {
    }
}
