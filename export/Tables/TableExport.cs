using System.Text.Json;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Tables;
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
        if (!(description.FalseAlarmRate > 0 && description.FalseAlarmRate < 1))
            throw new OnnxExportException($"false-alarm rate {description.FalseAlarmRate}; expected a fraction between 0 and 1, e.g. 0.01");
        var pairId = Guid.NewGuid().ToString("N");
        using var folder = ModelFolderWriter.Begin(outFolder, force, pairId[..8]);
        // The threshold is a quantile of the written graphs' own scores, so the graphs are written, scored, and written
        // again with the threshold in their metadata (which the weights digest does not cover: the graphs stay the same).
        var (encoderParameters, decoderParameters) = WriteGraphs(model, description, pairId, model.Table!, folder);
        var (encoderDiff, encoderUsed, decoderDiff, decoderUsed, rows) = TableParityCheck.Run(model, folder.Staging, TableParityRows.Build(model.Table!, heldOut, ParityRows, model.Architecture.Condition));
        var metadata = PairGraphs.Metadata(model, description, pairId, model.Table!);
        var scores = TableGraphScores.Score(folder.Staging, model.Table!, model.Architecture.LatentDim, metadata.DecoderLogVar, model.Architecture.Condition, heldOut);
        var table = model.Table! with { Threshold = AnomalyCalibration.Calibrate(scores, description.FalseAlarmRate) };
        WriteGraphs(model, description, pairId, table, folder);
        metadata = PairGraphs.Metadata(model, description, pairId, table);
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
            EncoderAllowanceUsed = encoderUsed, DecoderAllowanceUsed = decoderUsed,
        };
    }

    private static (long Encoder, long Decoder) WriteGraphs(VariationalAutoencoder model, ExportDescription description, string pairId, TableSchema table, ModelFolderWriter folder)
    {
        var metadata = PairGraphs.Metadata(model, description, pairId, table);
        var version = VaeOnnxExporter.ProducerVersion;
        folder.WriteGraph(ModelCard.EncoderFileName, TableEncoderGraph.Build(model, table, metadata, version, out long encoderParameters));
        folder.WriteGraph(ModelCard.DecoderFileName, TableDecoderGraph.Build(model, table, metadata, version, out long decoderParameters));
        return (encoderParameters, decoderParameters);
    }
}
