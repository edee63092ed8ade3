using Microsoft.ML;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The fitted form of <see cref="VaeTableScoreEstimator"/>. It scores whole data views in blocks and single rows through
/// <c>PredictionEngine</c>. <c>mlContext.Model.Save</c> writes it as ML.NET's own transformers (see
/// <see cref="SavedChain.TableScore"/>): ML.NET's OnnxTransformer feeds the encoder's [N,1] string inputs from Text
/// columns, one row at a time; the loaded chain gives the same columns and numbers, except that it does not trim text
/// cells, has no slot names on the contributions, and refuses (at save) a numeric column given as Text.
/// <c>VaeModel.LoadChain</c> reads the step's marker and returns this transformer again, scoring in blocks.
/// </summary>
public sealed class VaeTableScoreTransformer : VaeTransformerBase
{
    internal VaeTableScoreTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}
