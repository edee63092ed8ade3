using System.Text.Json;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Training.Data.Tables;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// Writes a table model as a model folder: the anomaly threshold calibrated on the held-out rows, the table encoder and
/// decoder graphs stamped with the column schema, the parity check on raw rows, and model.json.
/// </summary>
internal static class TableExport
{
    /// <summary>Held-out rows the parity check runs at most (the branch rows come on top).</summary>
    public const int ParityRows = 256;

    public static ExportResult Export(VariationalAutoencoder model, ExportDescription description, string outFolder, bool force)
    {
        var heldOut = description.HeldOutRows
            ?? throw new OnnxExportException("a table model is exported with held-out rows of its training file: they calibrate the anomaly threshold");
        var table = model.Table! with { Threshold = Calibrate(model, heldOut, description.FalseAlarmRate) };
        var pairId = Guid.NewGuid().ToString("N");
        using var folder = ModelFolderWriter.Begin(outFolder, force, pairId[..8]);
        var metadata = PairGraphs.Metadata(model, description, pairId, table);
        var version = VaeOnnxExporter.ProducerVersion;
        folder.WriteGraph(ModelCard.EncoderFileName, TableEncoderGraph.Build(model, table, metadata, version, out long encoderParameters));
        folder.WriteGraph(ModelCard.DecoderFileName, TableDecoderGraph.Build(model, table, metadata, version, out long decoderParameters));
        var (encoderDiff, decoderDiff, rows) = TableParityCheck.Run(model, folder.Staging, TableParityRows.Build(table, heldOut, ParityRows, model.Architecture.Condition));
        var card = VaeOnnxExporter.Card(model, description, metadata, folder, Path.GetFileName(folder.Target)) with
        {
            Parameters = new Dictionary<string, long> { ["encoder"] = encoderParameters, ["decoder"] = decoderParameters },
            ParityMaxAbsDiff = Math.Max(encoderDiff, decoderDiff),
            Table = table,
        };
        AtomicFileWriter.WriteText(Path.Combine(folder.Staging, ModelCard.FileName), JsonSerializer.Serialize(card, new JsonSerializerOptions { WriteIndented = true }));
        folder.Commit();
        return new ExportResult(folder.Target, card, encoderDiff, decoderDiff, rows)
        {
            EncoderAllowanceUsed = encoderDiff / ParityCheck.Tolerance, DecoderAllowanceUsed = decoderDiff / ParityCheck.Tolerance,
        };
    }

    private static AnomalyThreshold Calibrate(VariationalAutoencoder model, RawTable heldOut, double rate)
    {
        if (!(rate > 0 && rate < 1)) throw new OnnxExportException($"false-alarm rate {rate}; expected a fraction between 0 and 1, e.g. 0.01");
        var conditions = model.Architecture.Condition is { } condition ? TableCondition.Codes(heldOut, condition) : null;
        var scores = TableScorer.Score(model, new TableFeaturizer(model.Table!).Featurize(heldOut), conditions);
        return AnomalyCalibration.Calibrate(scores.Score, rate);
    }
}
