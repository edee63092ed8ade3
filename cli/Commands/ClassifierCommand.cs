using System.CommandLine;
using System.Globalization;
using VaeOnnx.Export;
using VaeOnnx.Training.Classifier;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae classifier</c>: trains the small image classifier whose features the sample-quality figure (<c>vae quality</c>)
/// uses, and writes it as one ONNX file with its test accuracy and training command in the metadata.
/// </summary>
public static class ClassifierCommand
{
    /// <summary>The shipped classifier, relative to the repository root.</summary>
    public const string ShippedPath = "models/fashion-mnist-classifier.onnx";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "MNIST-family IDX folder (train-/t10k- images and labels).", DefaultValueFactory = _ => TrainCommand.DefaultDataFolder };
        var output = new Option<string>("--out") { Description = "ONNX file to write.", DefaultValueFactory = _ => ShippedPath };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation and shuffling.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "LibTorch threads (0 = all cores).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var maxTrain = new Option<int?>("--max-train-rows") { Description = "Use only the first N training images (quick runs)." }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures." };
        var command = new Command("classifier", """
            Train the image classifier that vae quality measures samples with (two convolutions and a 128-unit feature layer),
            on all training images, and write it as one ONNX file (x -> logits, features) with its test accuracy in the metadata.
            Examples:
              vae classifier --epochs 10 --threads 2 --out models/fashion-mnist-classifier.onnx
            """)
        { data, output, epochs, seed, threads, maxTrain, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var folder = parse.GetValue(data)!;
            var (train, test) = MnistFamilyFolder.Load(folder);
            if (parse.GetValue(maxTrain) is int max) train = train.Take(max);
            var options = new ClassifierOptions { Epochs = parse.GetValue(epochs), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads) };
            var log = parse.GetValue(json) ? parse.InvocationConfiguration.Error : parse.InvocationConfiguration.Output;
            var c = CultureInfo.InvariantCulture;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (model, accuracy) = ClassifierTrainer.Train(train, test, options,
                new Progress<(int Epoch, double TestAccuracy)>(p => log.WriteLine(string.Create(c, $"epoch {p.Epoch}: test accuracy {p.TestAccuracy:P2}"))));
            using (model)
            {
                var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
                var classes = name.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? MnistFamilyFolder.FashionMnistClasses
                    : Enumerable.Range(0, model.Classes).Select(i => i.ToString(c)).ToArray();
                var commandLine = string.Create(c, $"vae classifier --data {TrainingCommandLine.ShellWord(Path.GetFullPath(folder))} --epochs {options.Epochs} --seed {options.Seed}")
                    + (options.Threads > 0 ? $" --threads {options.Threads}" : "") + (parse.GetValue(maxTrain) is int m ? $" --max-train-rows {m}" : "");
                var outPath = parse.GetValue(output)!;
                var diff = ClassifierExporter.Export(model, outPath, new ClassifierDescription(name, classes, accuracy[^1], test.Rows, commandLine), test.Take(256).Features);
                if (parse.GetValue(json))
                    CommandRunner.WriteJson(parse.InvocationConfiguration.Output, new Dictionary<string, object?>
                    {
                        ["classifier"] = outPath, ["test_accuracy"] = accuracy[^1], ["test_accuracy_by_epoch"] = accuracy, ["train_rows"] = train.Rows,
                        ["test_rows"] = test.Rows, ["parity_max_abs_diff"] = diff, ["seconds"] = clock.Elapsed.TotalSeconds,
                    });
                log.WriteLine(string.Create(c, $"wrote {outPath}: test accuracy {accuracy[^1]:P2} on {test.Rows} images, parity with TorchSharp {diff:G3} ({clock.Elapsed.TotalSeconds:F0} s)"));
            }
            return 0;
        }));
        return command;
    }
}
