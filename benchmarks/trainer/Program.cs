using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using VaeOnnx.Trainers;

// The quality runs of docs/benchmarks.md "Training inside ML.NET" (issue 21):
//   auroc DATA_DIR                  every CSV of DATA_DIR (export-anomaly-tables.sh), seeds 1-3, 70/30 splits: AUROC of
//                                   mlContext.AnomalyDetection.Trainers.Vae and of RandomizedPca on the same test rows
//   fit-vs-cli TABLE.csv OUT VAE_DLL the split of seed 1 as CSV files; Fit and `vae train` + `vae export` + `vae score` on
//                                   them with the same settings and seed; the scores side by side
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "auroc" when args.Length == 2: Auroc(args[1]); break;
    case "fit-vs-cli" when args.Length == 4: FitVersusCli(args[1], args[2], args[3]); break;
    default: Console.Error.WriteLine("usage: auroc DATA_DIR | fit-vs-cli TABLE.csv OUT_DIR VAE_DLL"); Environment.Exit(2); break;
}

// Fixed before the final run, the same for every table.
static VaeAnomalyTrainer.Options VaeOptions(int seed, string folder) => new()
{
    Epochs = 100, BatchSize = 64, Hidden = [64, 32], LatentDim = 4, Seed = seed, LabelColumnName = "Label", ModelFolder = folder,
};

static void Auroc(string dataDir)
{
    Console.WriteLine("| table | rows | features | anomalies | seed | AUROC Fit (VAE) | AUROC RandomizedPca |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    var means = new List<(string Table, double Vae, double Pca)>();
    foreach (var path in Directory.GetFiles(dataDir, "*.csv").Order(StringComparer.Ordinal))
    {
        var (vaeSum, pcaSum) = (0.0, 0.0);
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var ml = new MLContext(seed);
            var table = LabelledTable.Load(ml, path);
            var split = ml.Data.TrainTestSplit(table.Rows, testFraction: 0.3, seed: seed);
            var folder = Directory.CreateTempSubdirectory("vaeonnx-auroc-").FullName;
            double vae;
            using (var detector = ml.AnomalyDetection.Trainers.Vae(VaeOptions(seed, Path.Combine(folder, "model"))).Fit(split.TrainSet))
                vae = ml.AnomalyDetection.Evaluate(detector.Transform(split.TestSet)).AreaUnderRocCurve;
            Directory.Delete(folder, recursive: true);
            var pca = ml.Transforms.Concatenate("Features", table.Features).Append(ml.Transforms.NormalizeMeanVariance("Features"))
                .Append(ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options { FeatureColumnName = "Features", Rank = Math.Max(1, table.Features.Length / 2), Seed = seed }))
                .Fit(split.TrainSet);
            double pcaAuc = ml.AnomalyDetection.Evaluate(pca.Transform(split.TestSet)).AreaUnderRocCurve;
            var labels = table.Rows.GetColumn<float>("Label").ToArray();
            Console.WriteLine($"| {table.Name} | {labels.Length} | {table.Features.Length} | {labels.Count(l => l == 1)} | {seed} | {vae:F3} | {pcaAuc:F3} |");
            (vaeSum, pcaSum) = (vaeSum + vae, pcaSum + pcaAuc);
        }
        means.Add((Path.GetFileNameWithoutExtension(path), vaeSum / 3, pcaSum / 3));
    }
    Console.WriteLine();
    Console.WriteLine("| table | mean AUROC Fit (VAE) | mean AUROC RandomizedPca |");
    Console.WriteLine("|---|---|---|");
    foreach (var m in means) Console.WriteLine($"| {m.Table} | {m.Vae:F3} | {m.Pca:F3} |");
    Console.WriteLine($"| **mean** | **{means.Average(m => m.Vae):F3}** | **{means.Average(m => m.Pca):F3}** |");
}

static void FitVersusCli(string tablePath, string outDir, string vaeDll)
{
    Directory.CreateDirectory(outDir);
    var ml = new MLContext(1);
    var table = LabelledTable.Load(ml, tablePath);
    var split = ml.Data.TrainTestSplit(table.Rows, testFraction: 0.3, seed: 1);
    string train = Path.Combine(outDir, "train.csv"), test = Path.Combine(outDir, "test.csv");
    WriteCsv(split.TrainSet, [.. table.Features, "Label"], train);
    WriteCsv(split.TestSet, [.. table.Features, "Label"], test);

    var options = VaeOptions(1, Path.Combine(outDir, "fit-model"));
    using var detector = ml.AnomalyDetection.Trainers.Vae(options).Fit(split.TrainSet);
    var fit = detector.Transform(split.TestSet).GetColumn<float>("Score").ToArray();
    Console.WriteLine($"Fit: {detector.Model.Table!.Columns.Count} columns ({string.Join(",", detector.Model.Table.Columns.Select(c => $"{c.Name}:{c.Kind}"))}), threshold {detector.Threshold:F4}");

    string run = Path.Combine(outDir, "cli-run"), model = Path.Combine(outDir, "cli-model"), scores = Path.Combine(outDir, "cli-scores.csv");
    RunVae(vaeDll, "train", "--data", train, "--label-column", "Label", "--hidden", "64,32", "--latent", "4", "--epochs", "100", "--batch", "64", "--seed", "1", "--iw-samples", "0", "--out", run);
    RunVae(vaeDll, "export", "--checkpoint", run, "--out", model, "--force");
    RunVae(vaeDll, "score", "--model", model, "--input", test, "--output", scores);
    var lines = File.ReadAllLines(scores);
    int column = Array.IndexOf(lines[0].Split(','), "score");
    var cli = lines.Skip(1).Select(l => float.Parse(l.Split(',')[column], CultureInfo.InvariantCulture)).ToArray();

    var diffs = fit.Zip(cli, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).ToArray();
    Console.WriteLine($"rows {fit.Length} (CLI {cli.Length}); largest relative score difference {diffs.Max():G3}, mean {diffs.Average():G3}; "
        + $"rank correlation {Spearman(fit, cli):F4}; Fit mean score {fit.Average():F4}, CLI {cli.Average():F4}");
    // A pair id is fresh at each export; the graphs' vaeonnx.weights_digest metadata is what compares the weights.
    Console.WriteLine($"pair id: Fit {detector.Model.PairId}, CLI {VaeOnnx.Inference.VaeModel.Load(model).PairId}");
}

// Every value as the shortest text that reads back to the same float (ML.NET's SaveAsText writes rows with many zeros sparse).
static void WriteCsv(IDataView rows, string[] columns, string path)
{
    var values = columns.Select(c => rows.GetColumn<float>(c).ToArray()).ToArray();
    var lines = Enumerable.Range(0, values[0].Length).Select(r => string.Join(",", values.Select(v => v[r].ToString("R", CultureInfo.InvariantCulture))));
    File.WriteAllLines(path, [string.Join(",", columns), .. lines]);
}

static void RunVae(string dll, params string[] args)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
    start.ArgumentList.Add(dll);
    foreach (var a in args) start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"vae {string.Join(' ', args)}: exit {process.ExitCode}\n{output}");
}

static double Spearman(float[] a, float[] b)
{
    static double[] Ranks(float[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (int r = 0; r < order.Length; r++) ranks[order[r]] = r;
        return ranks;
    }
    var (x, y) = (Ranks(a), Ranks(b));
    double mx = x.Average(), my = y.Average();
    double cov = x.Zip(y, (p, q) => (p - mx) * (q - my)).Sum();
    return cov / Math.Sqrt(x.Sum(p => (p - mx) * (p - mx)) * y.Sum(q => (q - my) * (q - my)));
}
