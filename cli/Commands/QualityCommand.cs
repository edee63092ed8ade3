using System.CommandLine;
using System.Globalization;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Quality;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae quality</c>: the sample-quality figure of a model pair, the Fréchet distance between its decoded draws and the
/// real test images in the feature space of the shipped classifier, and for a conditional pair how often the classifier
/// names each draw's condition.
/// </summary>
public static class QualityCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (encoder.onnx, decoder.onnx).", Required = true };
        var classifier = new Option<string?>("--classifier") { Description = $"Quality classifier ONNX file (default {ClassifierCommand.ShippedPath})." };
        var data = new Option<string?>("--data") { Description = "MNIST-family IDX folder whose test images are the real set (default Debian's Fashion-MNIST, else the shipped sample)." };
        var sampler = EnumOptions.Create("--sampler", "prior or gmm (the pair's latent mixture).", LatentSampler.Prior);
        var count = new Option<int>("--count") { Description = "Draws to generate.", DefaultValueFactory = _ => 10_000 }.AtLeast(2);
        var seed = new Option<int>("--seed") { Description = "Seed of the draws.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures." };
        var command = new Command("quality", """
            Fréchet distance between a model's samples (decoded through the ML.NET chain) and the real test images, in the
            feature space of the quality classifier shipped in models/ (lower is better); for a conditional model also the
            fraction of draws the classifier assigns to their condition (conditions in turn).
            Examples:
              vae quality --model models/fashion-mnist-mlp --json
              vae quality --model models/fmnist-vae --sampler gmm --count 10000
            """)
        { model, classifier, data, sampler, count, seed, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var pair = VaeModel.Load(parse.GetValue(model)!);
            var classifierPath = parse.GetValue(classifier) ?? FindUp(ClassifierCommand.ShippedPath)
                ?? throw new FileNotFoundException($"{ClassifierCommand.ShippedPath}: the shipped quality classifier was not found; pass --classifier FILE");
            using var quality = QualityClassifier.Load(classifierPath);
            var folder = parse.GetValue(data) ?? (MnistFamilyFolder.Contains(MnistFamilyFolder.DefaultFashionMnistFolder)
                ? MnistFamilyFolder.DefaultFashionMnistFolder
                : FindUp("samples/fashion-mnist") ?? throw new DirectoryNotFoundException("no real images: install dataset-fashion-mnist or pass --data DIR"));
            var (_, test) = MnistFamilyFolder.Load(folder);
            var s = parse.GetValue(sampler);
            if (s == LatentSampler.Gmm && pair.LatentMixture is null)
                throw new CommandUsageException($"--sampler gmm: {pair.EncoderPath} stores no latent mixture; export the checkpoint with --latent-mixture auto.");
            var result = SampleQuality.Measure(pair, quality, test.Features, s, parse.GetValue(count), parse.GetValue(seed));
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CommandRunner.WriteJson(stdout, new Dictionary<string, object?>
                {
                    ["frechet_distance"] = result.FrechetDistance, ["condition_accuracy"] = result.ConditionAccuracy, ["sampler"] = EnumText.Of(s),
                    ["generated_rows"] = result.GeneratedRows, ["real_rows"] = result.RealRows, ["classifier"] = classifierPath,
                    ["classifier_test_accuracy"] = quality.TestAccuracy, ["model"] = pair.EncoderPath, ["pair_id"] = pair.PairId,
                });
                return 0;
            }
            var c = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(c, $"Fréchet distance {result.FrechetDistance:F3} ({EnumText.Of(s)} sampler, {result.GeneratedRows} draws vs {result.RealRows} test images of {folder})"));
            if (result.ConditionAccuracy is double accuracy)
                stdout.WriteLine(string.Create(c, $"draws classified as their condition: {accuracy:P1}"));
            return 0;
        }));
        return command;
    }

    /// <summary><paramref name="relative"/> under the current directory or the tool's folder, or one of their parents.</summary>
    internal static string? FindUp(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
            }
        return null;
    }
}
