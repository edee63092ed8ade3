using System.Diagnostics;
using System.Globalization;
using VaeOnnx.Cli.Console;
using VaeOnnx.Cli.Report;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae demo --table</c>: a table model on a real public table, end to end. Without --data it exports AER's CreditCard
/// (1,319 credit-card applications: yes/no flags, amounts, counts; Debian's r-cran-aer) with Rscript, then trains, exports
/// with a calibrated threshold, scores and writes the report (synthetic quality, histograms, top anomalies).
/// </summary>
public static class TableDemo
{
    /// <summary>Runs the demo into <paramref name="outFolder"/>; returns the exit code.</summary>
    public static int Run(TextWriter log, string outFolder, string? data, int? epochs, int threads, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outFolder);
        var csv = data ?? ExportCreditCard(outFolder);
        log.WriteLine($"data: {csv}");
        var source = new DataSourceOptions { Path = csv, Seed = 1, Table = new TableReadOptions() };
        var trainingData = TrainingDataLoader.Load(source, Likelihood.Mixed);
        var schema = trainingData.Table!;
        log.WriteLine($"columns: {string.Join(", ", schema.Columns.Select(c => $"{c.Name} ({EnumText.Of(c.Kind)}{(c.HasMissing ? ", blanks" : "")})"))}");
        var architecture = new VaeArchitecture { InputShape = [schema.FeatureCount], Hidden = [128, 128], LatentDim = 8, Likelihood = Likelihood.Mixed };
        var options = new TrainingOptions { Epochs = epochs ?? 300, BatchSize = 64, Threads = threads, Seed = 1 };
        var checkpoint = Path.Combine(outFolder, "checkpoint");
        if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
        log.WriteLine($"training a {schema.FeatureCount}-128-128-(8,8) table VAE for {options.Epochs} epochs on {trainingData.Train.Rows} rows");
        var result = TrainingProgressView.Run(false, log, progress => new VaeTrainer(options, progress).Train(architecture, trainingData, checkpoint, cancellation: cancellation));
        result.Model.Dispose();
        if (result.StopReason == StopReason.Interrupted) return VaeCommandLine.Interrupted;
        var modelFolder = Path.Combine(outFolder, "model");
        var export = VaeOnnxExporter.ExportCheckpoint(checkpoint, modelFolder, TrainingCommandLine.Format(VaeCheckpoint.ReadInfo(checkpoint)), force: true);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported {modelFolder}: parity {Math.Max(export.EncoderMaxAbsDiff, export.DecoderMaxAbsDiff):G3}, anomaly threshold {export.Card.Table!.Threshold!.Score:R}"));
        var model = VaeModel.Load(modelFolder);
        var real = ReportRows.Read(csv, model, log);
        TableScoreOutput.ScoreFile(model, csv, Path.Combine(outFolder, "scores.csv"));
        var (quality, _) = TableReport.Write(model, real, Path.GetFileName(csv), Path.Combine(outFolder, "report"), real.Rows.Count, 1);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"synthetic quality: overall {quality.Overall:F3} (column shapes {quality.ColumnShapesScore:F3}, pair trends {quality.PairTrendsScore:F3}); report in {Path.Combine(outFolder, "report", "report.md")} ({clock.Elapsed.TotalSeconds:F0} s)"));
        return 0;
    }

    /// <summary>Writes AER's CreditCard as CSV with Rscript (Debian's r-cran-aer, GPL: made here, not shipped).</summary>
    private static string ExportCreditCard(string folder)
    {
        var path = Path.GetFullPath(Path.Combine(folder, "creditcard.csv"));
        var start = new ProcessStartInfo("Rscript") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-e", "suppressPackageStartupMessages(library(AER)); data(CreditCard); write.csv(CreditCard, commandArgs(TRUE)[1], row.names = FALSE, na = '')", path })
            start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(path))
                throw new FileNotFoundException($"{path}: Rscript could not export AER's CreditCard ({error.Trim().Split('\n').LastOrDefault()}); install it with apt-get install r-cran-aer, or pass --data FILE.csv", path);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new FileNotFoundException("Rscript not found: the table demo exports AER's CreditCard with R (apt-get install r-cran-aer), or pass --data FILE.csv");
        }
        return path;
    }
}
