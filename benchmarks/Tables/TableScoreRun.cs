using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Benchmarks.Tables;

/// <summary>
/// The documented table-scoring run (docs/benchmarks.md, <c>benchmarks/tables/score-stream.sh</c>): in alternating rounds,
/// (a) one pass of the pair's three graphs (encoder with its featurisation, decoder, score graph) over rows already in
/// memory as typed columns, through <c>VaeTableScore</c> in its blocks, every output read through one cursor, and (b) the
/// streaming CSV-to-CSV path of <c>vae score</c> (<see cref="TableScoreOutput.ScoreFile"/>) on the same file; medians of
/// the rounds. Then, also alternating, the fitted transformer against the same transformer saved with
/// <c>mlContext.Model.Save</c> and brought back by <c>VaeModel.LoadChain</c>, on the rows in memory. Peak memory is measured
/// outside, on the <c>vae score</c> process (<c>/usr/bin/time -v</c>).
/// </summary>
public static class TableScoreRun
{
    /// <summary>Runs with <c>--model DIR --data FILE.csv [--rounds 3]</c>; prints one line per round and the medians.</summary>
    public static int Run(string[] args)
    {
        string Arg(string name, string? fallback = null) =>
            args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback ?? throw new ArgumentException($"--{name} is required");
        var model = VaeModel.Load(Arg("model"));
        var data = Arg("data");
        int rounds = int.Parse(Arg("rounds", "3"), CultureInfo.InvariantCulture);
        var rows = TableInput.Read(data, model.Table!, model.Condition);
        var output = Path.Combine(Path.GetTempPath(), $"vae-table-score-{Environment.ProcessId}.csv");
        var (pass, file, read) = (new List<double>(), new List<double>(), new List<double>());
        for (int round = 1; round <= rounds; round++)
        {
            pass.Add(Time(() => ThreeGraphs(model, rows)));
            file.Add(Time(() => TableScoreOutput.ScoreFile(model, data, output)));
            read.Add(Time(() => ReadAndFeaturize(model, data)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: three graphs {rows.Count / pass[^1]:F0} rows/s ({pass[^1]:F2} s), vae score CSV->CSV {rows.Count / file[^1]:F0} rows/s ({file[^1]:F2} s), reading and featurising alone {read[^1]:F2} s"));
        }
        File.Delete(output);
        double p = Median(pass), f = Median(file);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows {rows.Count}, columns {model.Table!.Columns.Count}, medians: three graphs {p:F2} s ({rows.Count / p:F0} rows/s), vae score {f:F2} s ({rows.Count / f:F0} rows/s), vae score / three graphs {f / p:F2}"));
        ReloadedAgainstFitted(model, rows, rounds);
        return 0;
    }

    private static void ReloadedAgainstFitted(VaeModel model, VaeTableRows rows, int rounds)
    {
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var fitted = ml.Transforms.VaeTableScore(model).Fit(view);
        var zip = Path.Combine(Path.GetTempPath(), $"vae-table-chain-{Environment.ProcessId}.zip");
        ml.Model.Save(fitted, view.Schema, zip);
        var reloaded = VaeModel.LoadChain(new MLContext(1), zip, out _);
        File.Delete(zip);
        try
        {
            var (a, b) = (new List<double>(), new List<double>());
            for (int round = 1; round <= rounds; round++)
            {
                a.Add(Time(() => Drain(fitted.Transform(view))));
                b.Add(Time(() => Drain(reloaded.Transform(view))));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(model.Condition is null ? "table" : "conditional table")} chain: fitted {rows.Count / Median(a):F0} rows/s, reloaded by VaeModel.LoadChain ({reloaded.GetType().Name}) {rows.Count / Median(b):F0} rows/s, reloaded / fitted {Median(a) / Median(b):F2}"));
        }
        finally
        {
            (reloaded as IDisposable)?.Dispose();
        }
    }

    private static long ReadAndFeaturize(VaeModel model, string data)
    {
        var featurizer = new VaeOnnx.Tables.TableFeaturizer(model.Table!);
        return VaeOnnx.Tables.RawTableReader.ReadBlocks(data, TableScoreOutput.BlockRows).Sum(block => (long)TableInput.Rows(block, featurizer, model.Condition).Count);
    }

    private static void ThreeGraphs(VaeModel model, VaeTableRows rows)
    {
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        Drain(transformer.Transform(view));
    }

    /// <summary>Reads the score and the contributions of every row through one cursor.</summary>
    private static void Drain(IDataView scored)
    {
        var columns = new[] { VaeTableScoreEstimator.DefaultScoreColumn, VaeTableScoreEstimator.ContributionsColumn(VaeTableScoreEstimator.DefaultScoreColumn) }
            .Select(n => scored.Schema[n]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var score = cursor.GetGetter<float>(columns[0]);
        var contributions = cursor.GetGetter<VBuffer<float>>(columns[1]);
        var (s, c) = (0f, default(VBuffer<float>));
        while (cursor.MoveNext())
        {
            score(ref s);
            contributions(ref c);
        }
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
