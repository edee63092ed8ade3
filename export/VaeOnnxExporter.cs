using System.Reflection;
using System.Text.Json;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Model;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;
using VaeOnnx.Export.Tables;

namespace VaeOnnx.Export;

/// <summary>
/// Writes a trained VAE as a model folder: <c>encoder.onnx</c> (x -> mu, logvar), <c>decoder.onnx</c> (z -> x_hat) and
/// <c>model.json</c>. Input scaling is baked in (raw features in, raw units out). After writing, both graphs run in ONNX
/// Runtime on a parity batch and must match the TorchSharp forward (<see cref="ParityCheck"/>), or the export fails and
/// leaves nothing behind.
/// </summary>
public static class VaeOnnxExporter
{
    /// <summary>Exports the model of a checkpoint folder.</summary>
    /// <param name="checkpointFolder">Folder written by the trainer.</param>
    /// <param name="outFolder">Model folder to create.</param>
    /// <param name="trainingCommand">The command that reproduces the model, recorded in <c>model.json</c>; null when unknown.</param>
    /// <param name="force">Replace an existing model folder.</param>
    /// <param name="parityRows">Raw input rows (row-major) for the parity check; null uses a deterministic synthetic batch.</param>
    /// <param name="latentMixture">A Gaussian mixture fitted to the training codes, stored in the pair for sampling; null for none.</param>
    /// <param name="falseAlarmRate">Table models: the fraction of ordinary held-out rows the anomaly threshold may flag.</param>
    public static ExportResult ExportCheckpoint(string checkpointFolder, string outFolder, string? trainingCommand = null, bool force = false,
        float[]? parityRows = null, LatentMixture? latentMixture = null, double falseAlarmRate = 0.01)
    {
        var (info, model) = VaeCheckpoint.Load(checkpointFolder);
        using (model)
        {
            latentMixture?.Validate(info.Architecture.LatentDim, "the latent mixture to export", info.Architecture.ConditionDim);
            var heldOut = info.Table is null ? null : TableHeldOut(info);
            var description = new ExportDescription(info.Scaling, info.Dataset, info.Evaluation, JsonSerializer.Serialize(info.Training), trainingCommand,
                latentMixture, heldOut, falseAlarmRate);
            return Export(model, description, outFolder, force, parityRows);
        }
    }

    private static RawTable TableHeldOut(CheckpointInfo info)
    {
        try
        {
            return TableDataLoader.HeldOutRows(info, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxExportException($"{info.Dataset.Source}: cannot read the training file ({CommandMessage(e)}); a table model's anomaly threshold is calibrated on its held-out rows at export", e);
        }
    }

    private static string CommandMessage(Exception e) => e.Message.Replace(Environment.NewLine, " ");

    /// <summary>Exports <paramref name="model"/> into <paramref name="outFolder"/>.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="description">Scaling and facts for the metadata.</param>
    /// <param name="outFolder">Model folder to create.</param>
    /// <param name="force">Replace an existing model folder.</param>
    /// <param name="parityRows">Raw input rows (row-major) for the parity check; null uses a deterministic synthetic batch.</param>
    public static ExportResult Export(VariationalAutoencoder model, ExportDescription description, string outFolder, bool force = false,
        float[]? parityRows = null)
    {
        var arch = model.Architecture;
        if (model.Table is not null) return TableExport.Export(model, description, outFolder, force);
        description.Scaling.Validate(arch.InputDim);
        var pairId = Guid.NewGuid().ToString("N");
        using var folder = ModelFolderWriter.Begin(outFolder, force, pairId[..8]);
        var metadata = PairGraphs.Metadata(model, description, pairId);
        folder.WriteGraph(ModelCard.EncoderFileName, PairGraphs.Encoder(model, description, metadata, ProducerVersion, out long encoderParameters));
        folder.WriteGraph(ModelCard.DecoderFileName, PairGraphs.Decoder(model, description, metadata, ProducerVersion, out long decoderParameters));
        var rows = parityRows ?? ParityCheck.SyntheticRows(arch, description.Scaling, 64);
        var (encoderDiff, decoderDiff, encoderUsed, decoderUsed, count) = ParityCheck.Run(model, description.Scaling, folder.Staging, rows);
        var card = Card(model, description, metadata, folder, Path.GetFileName(folder.Target)) with
        {
            Parameters = new Dictionary<string, long> { ["encoder"] = encoderParameters, ["decoder"] = decoderParameters },
            ParityMaxAbsDiff = Math.Max(encoderDiff, decoderDiff),
        };
        AtomicFileWriter.WriteText(Path.Combine(folder.Staging, ModelCard.FileName), JsonSerializer.Serialize(card, new JsonSerializerOptions { WriteIndented = true }));
        folder.Commit();
        return new ExportResult(folder.Target, card, encoderDiff, decoderDiff, count)
        {
            EncoderAllowanceUsed = encoderUsed, DecoderAllowanceUsed = decoderUsed, DecoderComparedInRawUnits = true,
        };
    }

    /// <summary>The version written as producer_version: the assembly's informational version.</summary>
    public static string ProducerVersion =>
        typeof(VaeOnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    internal static ModelCard Card(VariationalAutoencoder model, ExportDescription d, PairMetadata metadata, ModelFolderWriter folder, string name)
    {
        var arch = model.Architecture;
        return new ModelCard
        {
            PairId = metadata.PairId, Name = name, ExportedUtc = DateTime.UtcNow.ToString("O"), ProducerVersion = ProducerVersion,
            InputShape = string.Join("x", arch.InputShape), InputDim = arch.InputDim, LatentDim = arch.LatentDim,
            Likelihood = arch.Likelihood, DecoderOutput = metadata.DecoderOutput,
            FeatureNames = d.Dataset.FeatureNames, ClassNames = d.Dataset.ClassNames, Dataset = d.Dataset.Name,
            TestNegElbo = d.Evaluation?.TestNegElbo, IwLogPx = d.Evaluation?.IwLogPx,
            FileBytes = new Dictionary<string, long>
            {
                ["encoder"] = folder.Length(ModelCard.EncoderFileName), ["decoder"] = folder.Length(ModelCard.DecoderFileName),
            },
            Architecture = JsonSerializer.SerializeToElement(arch), Training = JsonDocument.Parse(d.TrainingConfigJson).RootElement,
            TrainingCommand = d.TrainingCommand,
            Condition = arch.Condition, Posterior = arch.HasFlow ? metadata.Posterior : null,
            LatentMixtureComponents = d.LatentMixture?.Components, LatentMixtureSelection = d.LatentMixture?.Selection,
        };
    }
}
