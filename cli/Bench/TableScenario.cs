using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Transforms;
using VaeOnnx.Sources;
using VaeOnnx.Tables;

namespace VaeOnnx.Cli.Bench;

/// <summary>
/// <c>vae bench --table-model DIR --table-data FILE.csv</c>: a table pair's scoring, in alternating rounds with medians:
/// raw ONNX Runtime on the three graphs (<see cref="RawTableScorer"/>), the <c>VaeTableScore</c> chain on the same rows
/// in memory (every output read through one cursor), the chain saved and reloaded by <c>VaeModel.LoadChain</c>, reading
/// and featurising the file alone, and <c>vae score</c> from CSV to CSV (<see cref="TableScoreOutput.ScoreFile"/>).
/// </summary>
public sealed class TableScenario(VaeModel model, string data)
{
    /// <summary>Rows per ONNX Runtime call, for the chain and raw ONNX Runtime alike (the chain's default block).</summary>
    private const int Block = 1024;

    /// <summary>Runs <paramref name="rounds"/> rounds; adds the <c>table_*</c> figures to <paramref name="figures"/> and prints one line per measure.</summary>
    public void Run(int rounds, Dictionary<string, object?> figures, TextWriter log)
    {
        var rows = TableInput.Read(data, model.Table!, model.Condition);
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var fitted = ml.Transforms.VaeTableScore(model).Fit(view);
        // The graphs as vae score runs them: with the intra-op threads it leaves them beside its reading and writing.
        using var scoreThreads = ml.Transforms.VaeTableScore(TableScoreOutput.ScoringModel(model)).Fit(view);
        var reloaded = Reload(ml, fitted, view);
        using var raw = model.Condition is null ? new RawTableScorer(model, Block) : null;
        var output = Path.Combine(Path.GetTempPath(), $"vae-bench-table-{Environment.ProcessId}.csv");
        var times = new Dictionary<string, List<double>> { ["raw"] = [], ["chain"] = [], ["chain_score_threads"] = [], ["reloaded"] = [], ["read"] = [], ["vae_score"] = [] };
        var (scores, contributions) = (new float[rows.Count], new float[rows.Count * model.Table!.Columns.Count]);
        try
        {
            // Round 0 warms the JIT, the sessions and the file cache, and is not counted.
            for (int round = 0; round <= rounds; round++)
            {
                var measured = new Dictionary<string, double>();
                if (raw is not null) measured["raw"] = Time(() => raw.Run(rows, scores, contributions));
                measured["chain"] = Time(() => Drain(fitted.Transform(view)));
                measured["chain_score_threads"] = Time(() => Drain(scoreThreads.Transform(view)));
                measured["reloaded"] = Time(() => Drain(reloaded.Transform(view)));
                measured["read"] = Time(() => ReadAndFeaturize());
                measured["vae_score"] = Time(() => TableScoreOutput.ScoreFile(model, data, output));
                if (round > 0) foreach (var (name, seconds) in measured) times[name].Add(seconds);
            }
            if (raw is not null) figures["table_raw_max_abs_diff"] = MaxDifference(Drain(fitted.Transform(view)), scores, contributions);
        }
        finally
        {
            (reloaded as IDisposable)?.Dispose();
            File.Delete(output);
        }
        Report(rows.Count, times, figures, log);
    }

    private static void Report(int n, Dictionary<string, List<double>> times, Dictionary<string, object?> figures, TextWriter log)
    {
        double chain = Median(times["chain"]), reloaded = Median(times["reloaded"]), read = Median(times["read"]), score = Median(times["vae_score"]);
        double scoreThreads = Median(times["chain_score_threads"]);
        // One pass of the three graphs at its fastest: the chain as fitted, at vae score's thread count, or raw ONNX Runtime.
        double graphs = Math.Min(Math.Min(chain, scoreThreads), times["raw"].Count > 0 ? Median(times["raw"]) : double.MaxValue);
        figures["table_rows"] = n;
        figures["table_chain_rows_per_s"] = n / chain;
        figures["table_reloaded_vs_fitted"] = chain / reloaded;
        figures["table_read_featurize_rows_per_s"] = n / read;
        figures["table_vae_score_rows_per_s"] = n / score;
        figures["table_vae_score_vs_chain"] = score / chain;
        figures["table_chain_score_threads_rows_per_s"] = n / scoreThreads;
        figures["table_vae_score_vs_graphs"] = score / graphs;
        if (times["raw"].Count > 0)
        {
            double raw = Median(times["raw"]);
            figures["table_raw_rows_per_s"] = n / raw;
            figures["table_chain_vs_raw"] = raw / chain;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"table        raw ORT, three graphs {n / raw,10:N0} rows/s; VaeTableScore chain {n / chain,10:N0} rows/s ({raw / chain:F2}x raw; largest difference {figures["table_raw_max_abs_diff"]:G3})"));
        }
        else log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"table        VaeTableScore chain {n / chain,10:N0} rows/s (a conditional pair: no raw ORT figure)"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"table        saved and reloaded: VaeModel.LoadChain {n / reloaded,10:N0} rows/s ({chain / reloaded:F2}x fitted)"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"table        the chain with vae score's {TableScoreOutput.GraphThreads} intra-op thread(s) {n / scoreThreads,10:N0} rows/s"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"table        vae score CSV->CSV {n / score,10:N0} rows/s ({score / chain:F2}x the chain's time, {score / graphs:F2}x the fastest pass of the graphs); reading and featurising alone {n / read,10:N0} rows/s"));
    }

    private static ITransformer Reload(MLContext ml, ITransformer fitted, IDataView view)
    {
        var zip = Path.Combine(Path.GetTempPath(), $"vae-bench-table-chain-{Environment.ProcessId}.zip");
        try
        {
            ml.Model.Save(fitted, view.Schema, zip);
            return VaeModel.LoadChain(new MLContext(1), zip, out _);
        }
        finally
        {
            File.Delete(zip);
        }
    }

    private long ReadAndFeaturize()
    {
        using var source = TableSource.Parse(data).OpenRows();
        var ids = IdColumnCells.Resolve(source.Source, source.Header, model.Table!, null, TextWriter.Null);
        return TableInput.Blocks(source, model.Table!, model.Condition, ids, TableScoreOutput.BlockRows).Sum(block => (long)block.Rows.Count);
    }

    /// <summary>Reads every output of the table score (score, recon, kl, is_anomaly, contributions) through one cursor, as <c>vae score</c> does.</summary>
    private ScoredBlock Drain(IDataView scored) => TableScoreOutput.Writer(model.Table!, []).ReadBlock(scored);

    /// <summary>The largest difference between the chain's scores and contributions and raw ONNX Runtime's: the two must compute the same thing.</summary>
    private static double MaxDifference(ScoredBlock chain, float[] scores, float[] contributions)
    {
        int columns = contributions.Length / scores.Length;
        double worst = 0;
        for (int r = 0; r < chain.Rows; r++)
        {
            var row = chain.Values.AsSpan(r * chain.Width, chain.Width);
            worst = Math.Max(worst, Math.Abs(row[0] - scores[r]));
            // The writer's slots: score, recon, kl, is_anomaly, then one per column.
            for (int j = 0; j < columns; j++) worst = Math.Max(worst, Math.Abs(row[4 + j] - contributions[r * columns + j]));
        }
        return worst;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
