using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Console;
using VaeOnnx.Contract.IO;
using VaeOnnx.Cli.Pictures;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae demo</c>: the whole pipeline in one command: train on Fashion-MNIST (or the shipped sample), export the ONNX
/// pair, check parity, load it through the ML.NET chain and write a report folder with pictures.
/// </summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Report folder.", DefaultValueFactory = _ => "demo-out" };
        var data = new Option<string?>("--data") { Description = "MNIST-family IDX folder (default: Debian's Fashion-MNIST, else the sample shipped in samples/fashion-mnist)." };
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs (default 10 on the full data set, 30 on the shipped sample)." }.AtLeast(1);
        var maxTrain = new Option<int?>("--max-train-rows") { Description = "Use only the first N training rows." }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "LibTorch threads (0 = all cores).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var json = new Option<bool>("--json") { Description = "Print the report's figures as one JSON object." };
        var table = new Option<bool>("--table") { Description = "The table demo: a table model on AER's CreditCard (exported with Rscript; apt-get install r-cran-aer) or on --data FILE.csv; writes the model, scores.csv and report/." };
        var command = new Command("demo", """
            Train a VAE, export it to ONNX, verify parity, load it through ML.NET and write a report folder:
            samples.png, reconstructions.png, interpolation.png, latent.png, loss.png, report.md, and the model pair.
            Examples:
              dotnet run --project cli -c Release -- demo --out demo-out
              vae demo --data samples/fashion-mnist --epochs 5 --out demo-quick --json
              vae demo --table --out demo-table
            """)
        { output, data, epochs, maxTrain, threads, json, table };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Run(parse, () => parse.GetValue(table)
            ? TableDemo.Run(parse.InvocationConfiguration.Output, parse.GetResult(output) is { Implicit: false } ? parse.GetValue(output)! : "demo-table", parse.GetValue(data),
                parse.GetValue(epochs), parse.GetValue(threads), cancellation)
            : Run(parse, parse.GetValue(output)!, parse.GetValue(data), parse.GetValue(epochs), parse.GetValue(maxTrain), parse.GetValue(threads), parse.GetValue(json), cancellation))));
        return command;
    }

    private static int Run(ParseResult parse, string outFolder, string? dataFolder, int? epochs, int? maxTrain, int threads, bool json, CancellationToken cancellation)
    {
        var log = json ? parse.InvocationConfiguration.Error : parse.InvocationConfiguration.Output;
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outFolder);
        string source;
        if (dataFolder is not null) source = dataFolder;
        else if (MnistFamilyFolder.Contains(MnistFamilyFolder.DefaultFashionMnistFolder)) source = MnistFamilyFolder.DefaultFashionMnistFolder;
        else source = FindShippedSample() ?? throw new DirectoryNotFoundException(
            $"no data: {MnistFamilyFolder.DefaultFashionMnistFolder} is missing (apt-get install dataset-fashion-mnist) and samples/fashion-mnist was not found; pass --data DIR");
        bool sample = source != MnistFamilyFolder.DefaultFashionMnistFolder && dataFolder is null;
        log.WriteLine(sample
            ? $"data: the Fashion-MNIST sample shipped in {source} (Debian's dataset-fashion-mnist is not installed)"
            : $"data: {source}");

        var trainingData = TrainingDataLoader.Load(new DataSourceOptions { Path = source, MaxTrainRows = maxTrain, Seed = 1 }, Likelihood.Bernoulli);
        var shape = trainingData.Train.ImageShape ?? throw new DataFormatException(source, "the demo needs image data (IDX images)");
        var architecture = new VaeArchitecture { InputShape = shape, Hidden = [400], LatentDim = 20 };
        var options = new TrainingOptions { Epochs = epochs ?? (trainingData.Train.Rows >= 20000 ? 10 : 30), Threads = threads, Seed = 1 };
        var checkpoint = Path.Combine(outFolder, "checkpoint");
        if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
        log.WriteLine($"training {DemoReport.DescribeModel(architecture)}; {DemoReport.DescribeTraining(options)}; on {trainingData.Train.Rows} images");
        var result = TrainingProgressView.Run(!json && TrainingProgressView.CanDrawLive, log,
            progress => new VaeTrainer(options, progress).Train(architecture, trainingData, checkpoint, cancellation: cancellation));
        if (result.StopReason == StopReason.Interrupted)
        {
            result.Model.Dispose();
            throw new OperationCanceledException();
        }
        var trainSeconds = clock.Elapsed.TotalSeconds;
        EvaluationSummary evaluation;
        using (var model = result.Model)
        {
            evaluation = VaeEvaluator.Summarize(model, trainingData.Test, 200, 500, VaeTrainer.EvalSeed(options.Seed), options.EvalBatchSize,
                result.Checkpoint.Metrics[^1].SamplesPerSecond);
        }
        VaeCheckpoint.WriteEvaluation(checkpoint, evaluation);

        var modelFolder = Path.Combine(outFolder, "model");
        var export = VaeOnnxExporter.ExportCheckpoint(checkpoint, modelFolder, TrainingCommandLine.Format(VaeCheckpoint.ReadInfo(checkpoint)), force: true, parityRows: trainingData.Test.Take(256).Features);
        log.WriteLine(FormattableString.Invariant($"exported {modelFolder}: parity with TorchSharp max |diff| {Math.Max(export.EncoderMaxAbsDiff, export.DecoderMaxAbsDiff):G3} on {export.ParityRows} test images"));

        var vae = VaeModel.Load(modelFolder);
        var ml = new MLContext(1);
        int h = vae.InputShape[1], w = vae.InputShape[2];
        var test = trainingData.Test;
        var pictures = new Dictionary<string, byte[]>();

        var prior = vae.SamplePrior(ml, DemoReport.PriorDraws, seed: 1, "Z");
        var samples = Column(ml.Transforms.VaeDecode(vae, "Z", "Image").Fit(prior).Transform(prior), "Image");
        pictures["samples.png"] = ImageGrid.RenderPng(samples.Chunk(8).Select(r => (IReadOnlyList<float[]>)r.ToList()).ToList(), h, w);

        var originals = Enumerable.Range(0, 16).Select(i => test.Row(i).ToArray()).ToArray();
        var view = Rows(ml, originals, vae.InputDim);
        var reconstructed = Column(ml.Transforms.VaeReconstruct(vae).Fit(view).Transform(view), "Reconstruction");
        pictures["reconstructions.png"] = ImageGrid.RenderPng([originals, reconstructed, ], h, w, scale: 2, rowCaptions: ["test image", "reconstruction"]);

        var ends = Enumerable.Range(0, 12).Select(i => test.Row(i * 7 + 3).ToArray()).ToArray();
        var endView = Rows(ml, ends, vae.InputDim);
        var endCodes = Column(ml.Transforms.VaeEncode(vae).Fit(endView).Transform(endView), "Mu");
        var walks = new List<float[]>();
        for (int pair = 0; pair < 6; pair++)
            for (int step = 0; step < 10; step++)
            {
                float t = step / 9f;
                walks.Add(endCodes[2 * pair].Zip(endCodes[2 * pair + 1], (a, b) => a + t * (b - a)).ToArray());
            }
        var walkView = LatentRows(ml, walks.ToArray(), vae.LatentDim);
        var walkImages = Column(ml.Transforms.VaeDecode(vae, "Z", "Image").Fit(walkView).Transform(walkView), "Image");
        pictures["interpolation.png"] = ImageGrid.RenderPng(walkImages.Chunk(10).Select(r => (IReadOnlyList<float[]>)r.ToList()).ToList(), h, w);

        int latentRows = Math.Min(2000, test.Rows);
        var latentView = Rows(ml, Enumerable.Range(0, latentRows).Select(i => test.Row(i).ToArray()).ToArray(), vae.InputDim);
        var means = Column(ml.Transforms.VaeEncode(vae).Fit(latentView).Transform(latentView), "Mu").SelectMany(m => m).ToArray();
        pictures["latent.png"] = Charts.LatentPng(means, latentRows, vae.LatentDim, test.Labels!.Take(latentRows).ToArray(), MnistFamilyFolder.FashionMnistClasses);
        pictures["loss.png"] = Charts.LossPng(result.Checkpoint.Metrics);
        foreach (var (name, bytes) in pictures) AtomicFileWriter.Write(Path.Combine(outFolder, name), s => s.Write(bytes));

        var figures = new Dictionary<string, object?>
        {
            ["data"] = source, ["shipped_sample"] = sample, ["train_rows"] = trainingData.Train.Rows, ["test_rows"] = test.Rows,
            ["epochs"] = options.Epochs, ["test_neg_elbo"] = evaluation.TestNegElbo, ["test_recon"] = evaluation.TestRecon, ["test_kl"] = evaluation.TestKl,
            ["iw_log_px"] = evaluation.IwLogPx, ["active_units"] = evaluation.ActiveUnits, ["samples_per_s"] = evaluation.SamplesPerSecond,
            ["parity_max_abs_diff"] = Math.Max(export.EncoderMaxAbsDiff, export.DecoderMaxAbsDiff), ["train_seconds"] = trainSeconds,
            ["total_seconds"] = clock.Elapsed.TotalSeconds, ["pair_id"] = vae.PairId,
        };
        AtomicFileWriter.WriteText(Path.Combine(outFolder, "report.md"), DemoReport.Write(figures, architecture, options, result.Checkpoint.Metrics, evaluation));
        if (json) CommandRunner.WriteJson(parse.InvocationConfiguration.Output, figures);
        log.WriteLine(FormattableString.Invariant($"report: {Path.Combine(outFolder, "report.md")} ({clock.Elapsed.TotalSeconds:F0} s in all)"));
        return 0;
    }

    private static string? FindShippedSample()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "fashion-mnist");
                if (MnistFamilyFolder.Contains(candidate)) return candidate;
            }
        return null;
    }

    private static IDataView Rows(MLContext ml, float[][] rows, int width) => Vectors(ml, rows, width, "Features");

    private static IDataView LatentRows(MLContext ml, float[][] rows, int width) => Vectors(ml, rows, width, "Z");

    private static IDataView Vectors(MLContext ml, float[][] rows, int width, string column)
    {
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[0].ColumnName = column;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new VectorRow { Values = r }).ToList(), schema);
    }

    private static float[][] Column(IDataView view, string name) =>
        view.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();

    private sealed class VectorRow
    {
        public float[] Values { get; set; } = [];
    }
}
