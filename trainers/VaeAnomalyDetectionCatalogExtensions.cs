using Microsoft.ML;

namespace VaeOnnx.Trainers;

/// <summary>The VAE on ML.NET's anomaly detection trainers: <c>mlContext.AnomalyDetection.Trainers.Vae(...)</c>.</summary>
public static class VaeAnomalyDetectionCatalogExtensions
{
    /// <summary>
    /// A VAE anomaly detector trained with <paramref name="options"/>; see <see cref="VaeAnomalyTrainer"/>. It takes the
    /// catalog's MLContext seed when <see cref="VaeAnomalyTrainer.Options.Seed"/> is null, and logs its progress to that
    /// context's <c>Log</c>.
    /// </summary>
    public static VaeAnomalyTrainer Vae(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, VaeAnomalyTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeAnomalyTrainer(CatalogEnvironment.Of(catalog), options);
    }

    /// <summary>A VAE anomaly detector on the common settings (every other one at its <see cref="VaeAnomalyTrainer.Options"/> default).</summary>
    /// <param name="catalog">The anomaly detection trainers.</param>
    /// <param name="featureColumnNames">The feature columns; null for every visible column but the label.</param>
    /// <param name="labelColumnName">The label column, never a feature.</param>
    /// <param name="epochs">Passes over the training rows.</param>
    /// <param name="latentDim">Size of the latent code.</param>
    /// <param name="falseAlarmRate">Fraction of ordinary held-out rows the threshold may flag.</param>
    /// <param name="modelFolder">Where the ONNX pair is written; null for a temporary folder.</param>
    public static VaeAnomalyTrainer Vae(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, IReadOnlyList<string>? featureColumnNames = null,
        string labelColumnName = "Label", int epochs = 30, int latentDim = 8, double falseAlarmRate = 0.01, string? modelFolder = null) =>
        catalog.Vae(new VaeAnomalyTrainer.Options
        {
            FeatureColumnNames = featureColumnNames, LabelColumnName = labelColumnName, Epochs = epochs, LatentDim = latentDim,
            FalseAlarmRate = falseAlarmRate, ModelFolder = modelFolder,
        });
}
