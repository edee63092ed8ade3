using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The fitted form of <see cref="VaeTableScoreEstimator"/>. It scores whole data views in blocks and single rows through
/// <c>PredictionEngine</c>. It cannot be saved into an ML.NET zip: ML.NET's stock ONNX scoring, which the other transformers
/// are saved as, reads a model's text inputs only as vectors, not the [N,1] string columns of a table encoder; the model
/// folder is this transformer's saved form (load it with <c>VaeModel.Load</c> and fit again, which reads no rows).
/// </summary>
public sealed class VaeTableScoreTransformer : VaeTransformerBase
{
    internal VaeTableScoreTransformer(string pairId, ScoringPlan plan, DataViewSchema fitSchema)
        : base(pairId, plan, () => throw new NotSupportedException(
            "a VaeTableScore transformer is not saved into an ML.NET zip; its model folder is its saved form: VaeModel.Load(folder) and Fit again (fitting reads no rows)"), fitSchema)
    {
    }
}
