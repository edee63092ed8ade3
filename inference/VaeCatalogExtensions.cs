using Microsoft.ML;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Inference;

/// <summary>The VaeOnnx transforms on <c>mlContext.Transforms</c>.</summary>
public static class VaeCatalogExtensions
{
    /// <summary>Encodes <paramref name="inputColumn"/> (raw features, vector of D floats) into <paramref name="muColumn"/> and <paramref name="logVarColumn"/> (vectors of L floats).</summary>
    public static VaeEncodeEstimator VaeEncode(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string muColumn = "Mu", string logVarColumn = "LogVar") => new(catalog, model, inputColumn, muColumn, logVarColumn);

    /// <summary>Draws z = mu + exp(logvar/2) * eps into <paramref name="zColumn"/>, reproducibly for a seed.</summary>
    public static VaeSampleLatentEstimator VaeSampleLatent(this TransformsCatalog catalog, VaeModel model, string muColumn = "Mu",
        string logVarColumn = "LogVar", string zColumn = "Z", int seed = 1) => new(catalog, model, muColumn, logVarColumn, zColumn, seed);

    /// <summary>Decodes <paramref name="zColumn"/> (vector of L floats) into <paramref name="outputColumn"/> (vector of D floats, raw units).</summary>
    public static VaeDecodeEstimator VaeDecode(this TransformsCatalog catalog, VaeModel model, string zColumn = "Z", string outputColumn = "Reconstruction")
        => new(catalog, model, zColumn, outputColumn);

    /// <summary>Reconstructs <paramref name="inputColumn"/> by decoding its posterior mean.</summary>
    public static VaeReconstructEstimator VaeReconstruct(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string outputColumn = "Reconstruction") => new(catalog, model, inputColumn, outputColumn);

    /// <summary>Anomaly score per row (negative ELBO with z = mu; higher is more unusual) and its parts; see <see cref="VaeAnomalyScoreEstimator"/>.</summary>
    public static VaeAnomalyScoreEstimator VaeAnomalyScore(this TransformsCatalog catalog, VaeModel model, string inputColumn = "Features",
        string scoreColumn = "Score") => new(catalog, model, inputColumn, scoreColumn);

    /// <summary>
    /// Scores the rows of a business table with a table pair: the table's columns by name in, <paramref name="scoreColumn"/>
    /// (and its _recon, _kl and _contrib parts, the last one value per column) and <paramref name="anomalyColumn"/> out;
    /// see <see cref="VaeTableScoreEstimator"/>.
    /// </summary>
    public static VaeTableScoreEstimator VaeTableScore(this TransformsCatalog catalog, VaeModel model, string scoreColumn = VaeTableScoreEstimator.DefaultScoreColumn,
        string anomalyColumn = VaeTableScoreEstimator.DefaultAnomalyColumn) => new(catalog, model, scoreColumn, anomalyColumn);

}
