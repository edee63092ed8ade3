using System.CommandLine;
using System.Globalization;
using VaeOnnx.Cli.Console;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Training;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae train</c>: trains a VAE into a checkpoint folder, then reports the test ELBO and the IWAE estimate.</summary>
public static class TrainCommand
{
    /// <summary>Default data folder: Debian's dataset-fashion-mnist package.</summary>
    public const string DefaultDataFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "IDX folder (train-/t10k- images+labels) or CSV file.", DefaultValueFactory = _ => DefaultDataFolder };
        var arch = new Option<string>("--arch") { Description = "mlp or conv.", DefaultValueFactory = _ => "mlp" };
        arch.AcceptOnlyFromAmong("mlp", "conv");
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes, comma separated (e.g. 400 or 512,256).", DefaultValueFactory = _ => "400" }.Parsed(ParseHidden);
        var latent = new Option<int>("--latent") { Description = "Latent dimension.", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var activation = new Option<string>("--activation") { Description = "relu, leakyrelu, tanh or sigmoid.", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong("relu", "leakyrelu", "tanh", "sigmoid");
        var likelihood = new Option<string>("--likelihood") { Description = "bernoulli (data in [0,1]) or gaussian (real-valued).", DefaultValueFactory = _ => "bernoulli" };
        likelihood.AcceptOnlyFromAmong("bernoulli", "gaussian");
        var gaussianVariance = new Option<string>("--gaussian-variance") { Description = "learned or fixed per-feature variance of a Gaussian decoder.", DefaultValueFactory = _ => "learned" };
        gaussianVariance.AcceptOnlyFromAmong("learned", "fixed");
        var beta = new Option<double>("--beta") { Description = "KL weight (1 = ELBO).", DefaultValueFactory = _ => 1.0 }.NotNegative();
        var warmup = new Option<double>("--warmup") { Description = "Epochs of linear KL warm-up from 0 to beta.", DefaultValueFactory = _ => 0.0 }.NotNegative();
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (with --resume: the total to reach; default the checkpoint's).", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 128 }.AtLeast(1);
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 }.Positive();
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, shuffling, noise and splits.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "LibTorch threads (0 = all cores).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var patience = new Option<int>("--patience") { Description = "Early stopping: epochs without validation improvement (0 = off).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var validation = new Option<double?>("--validation") { Description = "Fraction of training rows held out for validation (default 0, or 0.1 with --patience)." }.Fraction();
        var label = new Option<string?>("--label-column") { Description = "CSV: label column set aside from the features." };
        var maxTrain = new Option<int?>("--max-train-rows") { Description = "Use only the first N training rows (quick runs)." }.AtLeast(1);
        var maxTest = new Option<int?>("--max-test-rows") { Description = "Use only the first N test rows (quick runs)." }.AtLeast(1);
        var iwSamples = new Option<int>("--iw-samples") { Description = "Importance samples K of the final log p(x) estimate (0 = skip).", DefaultValueFactory = _ => 1000 }.AtLeast(0);
        var iwRows = new Option<int>("--iw-rows") { Description = "Test rows the log p(x) estimate averages over.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var output = new Option<string>("--out") { Description = "Checkpoint folder.", DefaultValueFactory = _ => "runs/vae" };
        var resume = new Option<bool>("--resume") { Description = "Continue the checkpoint in --out with its architecture, likelihood, optimiser settings, scaling and data split." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the final figures on stdout." };

        var command = new Command("train", """
            Train a variational autoencoder and write a checkpoint folder (weights, checkpoint.json, metrics.csv).
            Examples:
              vae train --epochs 10 --out runs/fmnist
              vae train --data table.csv --label-column class --likelihood gaussian --hidden 64,32 --latent 4 --out runs/table
              vae train --out runs/fmnist --resume --epochs 20
            """)
        {
            data, arch, hidden, latent, activation, likelihood, gaussianVariance, beta, warmup, epochs, batch, lr, seed, threads,
            patience, validation, label, maxTrain, maxTest, iwSamples, iwRows, output, resume, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Run(parse, () =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            bool asJson = parse.GetValue(json);
            var folder = parse.GetValue(output)!;
            TrainingData trainingData;
            VaeArchitecture architecture;
            TrainingOptions options;
            bool resuming = parse.GetValue(resume);
            if (resuming)
            {
                if (!VaeCheckpoint.Exists(folder))
                    throw new CommandUsageException($"--resume: no checkpoint in {folder} ({VaeCheckpoint.InfoFileName} not found).");
                var info = VaeCheckpoint.ReadInfo(folder);
                var a = info.Architecture;
                var t = info.Training;
                var d = info.Dataset;
                TrainResume.Refuse(parse, arch, a.Kind, folder);
                TrainResume.Refuse(parse, hidden, TrainResume.Format(a.Hidden), folder, h => TrainResume.Format(ParseHidden(h!)));
                TrainResume.Refuse(parse, latent, TrainResume.Format(a.LatentDim), folder);
                TrainResume.Refuse(parse, activation, a.Activation, folder);
                TrainResume.Refuse(parse, likelihood, a.Likelihood, folder);
                TrainResume.Refuse(parse, gaussianVariance, a.GaussianVariance, folder);
                TrainResume.Refuse(parse, beta, TrainResume.Format(t.Beta), folder);
                TrainResume.Refuse(parse, warmup, TrainResume.Format(t.WarmupEpochs), folder);
                TrainResume.Refuse(parse, batch, TrainResume.Format(t.BatchSize), folder);
                TrainResume.Refuse(parse, lr, TrainResume.Format(t.LearningRate), folder);
                TrainResume.Refuse(parse, seed, TrainResume.Format(t.Seed), folder);
                TrainResume.Refuse(parse, patience, TrainResume.Format(t.EarlyStoppingPatience), folder);
                TrainResume.Refuse(parse, validation, TrainResume.Format(d.ValidationFraction), folder);
                TrainResume.Refuse<string?>(parse, label, d.LabelColumn, folder);
                TrainResume.Refuse(parse, maxTrain, TrainResume.Format(d.MaxTrainRows), folder);
                TrainResume.Refuse(parse, maxTest, TrainResume.Format(d.MaxTestRows), folder);
                // --data may say where the data is now, but not point at other data while the checkpoint's source is still there.
                var dataPath = parse.GetResult(data) is { Implicit: false } ? Path.GetFullPath(parse.GetValue(data)!) : d.Source;
                if (dataPath != d.Source && (File.Exists(d.Source) || Directory.Exists(d.Source)))
                    throw new CommandUsageException($"--data {dataPath} contradicts the checkpoint in {folder}, which was trained on {d.Source}; leave --data out when resuming.");
                architecture = a;
                options = t with
                {
                    Epochs = parse.GetResult(epochs) is { Implicit: false } ? parse.GetValue(epochs) : t.Epochs,
                    Threads = parse.GetValue(threads),
                };
                trainingData = TrainResume.LoadData(info, dataPath);
            }
            else
            {
                int patienceValue = parse.GetValue(patience);
                var source = new DataSourceOptions
                {
                    Path = parse.GetValue(data)!,
                    LabelColumn = parse.GetValue(label),
                    ValidationFraction = parse.GetValue(validation) ?? (patienceValue > 0 ? 0.1 : 0.0),
                    MaxTrainRows = parse.GetValue(maxTrain),
                    MaxTestRows = parse.GetValue(maxTest),
                    Seed = parse.GetValue(seed),
                };
                if (patienceValue > 0 && source.ValidationFraction <= 0)
                    throw new CommandUsageException("--patience needs a validation split: set --validation to a fraction above 0.");
                trainingData = TrainingDataLoader.Load(source, parse.GetValue(likelihood)!);
                architecture = new VaeArchitecture
                {
                    Kind = parse.GetValue(arch)!,
                    InputShape = trainingData.Train.ImageShape ?? [trainingData.Train.FeatureCount],
                    Hidden = ParseHidden(parse.GetValue(hidden)!),
                    LatentDim = parse.GetValue(latent),
                    Activation = parse.GetValue(activation)!,
                    Likelihood = parse.GetValue(likelihood)!,
                    GaussianVariance = parse.GetValue(gaussianVariance)!,
                };
                if (architecture.Kind == "conv" && trainingData.Train.ImageShape is null)
                    throw new CommandUsageException($"--arch conv needs image data; {source.Path} has no image shape (use --arch mlp).");
                options = new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                    Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Beta = parse.GetValue(beta),
                    WarmupEpochs = parse.GetValue(warmup), EarlyStoppingPatience = patienceValue,
                };
                try
                {
                    architecture.Validate("options");
                }
                catch (ArgumentException e)
                {
                    // Option ranges are checked while parsing; what is left is the data not fitting the architecture (conv image sizes).
                    throw new CommandUsageException($"--arch {architecture.Kind}: {e.Message}");
                }
            }

            var lines = asJson ? stderr : stdout;
            lines.WriteLine($"data: {trainingData.Dataset.Source} ({trainingData.Train.Rows} train, {trainingData.Validation?.Rows ?? 0} validation, {trainingData.Test.Rows} test rows, {trainingData.Train.FeatureCount} features)");
            var result = TrainingProgressView.Run(!asJson && TrainingProgressView.CanDrawLive, lines,
                progress => new VaeTrainer(options, progress).Train(architecture, trainingData, folder, resuming, cancellation));
            using var model = result.Model;
            if (result.StopReason == "interrupted")
            {
                stderr.WriteLine($"interrupted: checkpoint written to {folder} at epoch {result.Checkpoint.Epoch + 1}, step {result.Checkpoint.Step}; continue with: vae train --out {folder} --resume");
                return VaeCommandLine.Interrupted;
            }
            var last = result.Checkpoint.Metrics.LastOrDefault();
            var summary = VaeEvaluator.Summarize(model, trainingData.Test, parse.GetValue(iwSamples), parse.GetValue(iwRows),
                VaeTrainer.EvalSeed(options.Seed), options.EvalBatchSize, last?.SamplesPerSecond ?? 0);
            VaeCheckpoint.WriteEvaluation(folder, summary);
            EvalCommand.Print(asJson ? stdout : lines, summary, asJson, folder, result.StopReason);
            return 0;
        })));
        return command;
    }

    /// <summary>Parses "400" or "512,256" into layer sizes.</summary>
    public static int[] ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
                throw new CommandUsageException($"--hidden: '{parts[i]}' is not a positive layer size; expected e.g. 400 or 512,256.");
        if (sizes.Length == 0) throw new CommandUsageException("--hidden: expected at least one layer size, e.g. 400.");
        return sizes;
    }
}
