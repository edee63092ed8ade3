using Microsoft.ML;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Inference;

/// <summary>
/// The VaeOnnx transforms on <c>mlContext.Transforms</c>. A conditional pair's transforms also read the condition column
/// (a vector of K floats per row, one-hot in the order of <see cref="VaeModel.Condition"/>'s classes; see
/// <see cref="VaeModel.ConditionVector"/>), named by <c>conditionColumn</c> or <see cref="DefaultConditionColumn"/>.
/// </summary>
public static class VaeCatalogExtensions
{
    /// <summary>The condition column a conditional pair's transforms read when none is named.</summary>
    public const string DefaultConditionColumn = "Condition";

    /// <summary>Encodes <paramref name="inputColumn"/> (raw features, vector of D floats) into <paramref name="muColumn"/> and <paramref name="logVarColumn"/> (vectors of L floats).</summary>
    public static VaeEncodeEstimator VaeEncode(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string muColumn = "Mu", string logVarColumn = "LogVar", string? conditionColumn = null) => new(catalog, model, inputColumn, muColumn, logVarColumn, conditionColumn);

    /// <summary>
    /// Draws z = mu + exp(logvar/2) * eps into <paramref name="zColumn"/>, reproducibly for a seed. A pair with a flow
    /// posterior refuses it (its draws need the flow): use <see cref="VaeSamplePosterior"/>.
    /// </summary>
    public static VaeSampleLatentEstimator VaeSampleLatent(this TransformsCatalog catalog, VaeModel model, string muColumn = "Mu",
        string logVarColumn = "LogVar", string zColumn = "Z", int seed = 1) => new(catalog, model, muColumn, logVarColumn, zColumn, seed);

    /// <summary>
    /// Draws z from q(z|x) for the raw features in <paramref name="inputColumn"/>, reproducibly for a seed: for a Gaussian
    /// posterior the draw <see cref="VaeSampleLatent"/> makes from the row's mu and logvar; for a flow posterior the same
    /// noise transformed by the flow the encoder graph carries.
    /// </summary>
    public static VaeSamplePosteriorEstimator VaeSamplePosterior(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string zColumn = "Z", int seed = 1, string? conditionColumn = null) => new(catalog, model, inputColumn, zColumn, seed, conditionColumn);

    /// <summary>Decodes <paramref name="zColumn"/> (vector of L floats) into <paramref name="outputColumn"/> (vector of D floats, raw units).</summary>
    public static VaeDecodeEstimator VaeDecode(this TransformsCatalog catalog, VaeModel model, string zColumn = "Z", string outputColumn = "Reconstruction",
        string? conditionColumn = null) => new(catalog, model, zColumn, outputColumn, conditionColumn);

    /// <summary>Reconstructs <paramref name="inputColumn"/> by decoding its posterior mean (for a flow posterior, the flow of the mean).</summary>
    public static VaeReconstructEstimator VaeReconstruct(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string outputColumn = "Reconstruction", string? conditionColumn = null) => new(catalog, model, inputColumn, outputColumn, conditionColumn);

    /// <summary>Anomaly score per row (negative ELBO with z = mu; higher is more unusual) and its parts; see <see cref="VaeAnomalyScoreEstimator"/>.</summary>
    public static VaeAnomalyScoreEstimator VaeAnomalyScore(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string scoreColumn = "Score", string? conditionColumn = null) => new(catalog, model, inputColumn, scoreColumn, conditionColumn);

    /// <summary>
    /// Scores the rows of a business table with a table pair: the table's columns by name in, <paramref name="scoreColumn"/>
    /// (and its _recon, _kl and _contrib parts, the last one value per column) and <paramref name="anomalyColumn"/> out;
    /// see <see cref="VaeTableScoreEstimator"/>. A conditional table pair (trained with <c>--condition-column</c>) reads each
    /// row's condition from the row's own column of that name (<see cref="VaeOnnx.Contract.ConditionSpec.Column"/>, text): the input needs
    /// it beside the feature columns, and a value that is not one of <see cref="VaeOnnx.Contract.ConditionSpec.Classes"/> fails naming the row
    /// and the column. Synthetic rows for a condition come from <see cref="VaeTableSynthesizer.Sample(int, int, string)"/>.
    /// </summary>
    public static VaeTableScoreEstimator VaeTableScore(this TransformsCatalog catalog, VaeModel model, string scoreColumn = VaeTableScoreEstimator.DefaultScoreColumn,
        string anomalyColumn = VaeTableScoreEstimator.DefaultAnomalyColumn) => new(catalog, model, scoreColumn, anomalyColumn);
}
