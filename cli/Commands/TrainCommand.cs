using System.CommandLine;
using System.Globalization;
using VaeOnnx.Cli.Console;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Trainer;
using VaeOnnx.Sources;
using VaeOnnx.Tables;
using VaeOnnx.Training.Threading;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae train</c>: trains a VAE into a checkpoint folder, then reports the test ELBO and the IWAE estimate.</summary>
public static class TrainCommand
{
    /// <summary>Default data folder: Debian's dataset-fashion-mnist package.</summary>
    public const string DefaultDataFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Epochs of a new run without <c>--epochs</c>.</summary>
    public const int DefaultEpochs = 10;

    /// <summary>What a run starts from: the data, the architecture and the optimisation settings.</summary>
    private sealed record Setup(TrainingData Data, VaeArchitecture Architecture, TrainingOptions Options);

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var o = new TrainCommandOptions();
        var command = new Command("train", """
            Train a variational autoencoder and write a checkpoint folder (weights, checkpoint.json, metrics.csv).
            Examples:
              vae train --epochs 10 --out runs/fmnist
              vae train --data table.csv --label-column class --likelihood gaussian --hidden 64,32 --latent 4 --out runs/table
              vae train --out runs/fmnist --resume --epochs 20
              vae train --condition-column label --out runs/fmnist-cvae
              vae train --data customers.csv --id-column customer_id --out runs/customers
              vae train --data customers.parquet --id-column customer_id --out runs/customers
              vae train --data sqlite:customers.db --query "select * from customers" --id-column customer_id --out runs/customers
              vae train --data customers.csv --condition-column segment --out runs/customers-by-segment
              vae train --objective iwae --iw-train-k 5 --out runs/fmnist-iwae
              vae train --posterior iaf --flow-steps 2 --out runs/fmnist-iaf
            """);
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Run(parse, () => Run(parse, o, cancellation))));
        return command;
    }

    private static int Run(ParseResult parse, TrainCommandOptions o, CancellationToken cancellation)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        bool asJson = parse.GetValue(o.Json), resuming = parse.GetValue(o.Resume);
        var folder = parse.GetValue(o.Output)!;
        // Before anything loads LibTorch: its OpenMP runtime reads the wait policy once, when it loads.
        if (parse.GetValue(o.OmpPassive) && OpenMpWaiting.PreferPassive() is { } waitNotice) stderr.WriteLine(waitNotice);
        var setup = resuming ? ResumeSetup(parse, o, folder) : NewSetup(parse, o);
        var data = setup.Data;
        var lines = asJson ? stderr : stdout;
        if (ThreadsArgument.WasAuto(parse, o.Threads))
            lines.WriteLine($"threads: auto chose {setup.Options.Threads} of {Environment.ProcessorCount} cores (the share idle over {AutoThreads.Window.TotalMilliseconds:0} ms)");
        lines.WriteLine($"data: {data.Dataset.Source} ({data.TrainRows} train{(data.TrainStream is { } stream ? $" streamed through a {stream.BufferRows}-row shuffle buffer" : "")}, {data.Validation?.Rows ?? 0} validation, {data.Test.Rows} test rows, {data.Train.FeatureCount} features)");
        bool live = !asJson && TrainingProgressView.CanDrawLive;
        if (data.Table is { } schema) TableSchemaView.Write(schema, live, lines);
        var result = TrainingProgressView.Run(live, lines,
            progress => new VaeTrainer(setup.Options, progress).Train(setup.Architecture, data, folder, resuming, cancellation));
        using var model = result.Model;
        if (result.StopReason == StopReason.Interrupted)
        {
            stderr.WriteLine($"interrupted: checkpoint written to {folder} at epoch {result.Checkpoint.Epoch + 1}, step {result.Checkpoint.Step}; continue with: vae train --out {folder} --resume");
            return VaeCommandLine.Interrupted;
        }
        var last = result.Checkpoint.Metrics.LastOrDefault();
        var summary = VaeEvaluator.Summarize(model, data.Test, parse.GetValue(o.IwSamples), parse.GetValue(o.IwRows),
            VaeTrainer.EvalSeed(setup.Options.Seed), setup.Options.EvalBatchSize, last?.SamplesPerSecond ?? 0);
        VaeCheckpoint.WriteEvaluation(folder, summary);
        EvalCommand.Print(asJson ? stdout : lines, summary, asJson, folder, result.StopReason);
        return 0;
    }

    /// <summary>The checkpoint's settings; an option that contradicts them is a usage error.</summary>
    private static Setup ResumeSetup(ParseResult parse, TrainCommandOptions o, string folder)
    {
        if (!VaeCheckpoint.Exists(folder))
            throw new CommandUsageException($"--resume: no checkpoint in {folder} ({VaeCheckpoint.InfoFileName} not found).");
        var info = VaeCheckpoint.ReadInfo(folder);
        var (a, t, d) = (info.Architecture, info.Training, info.Dataset);
        string? F(object? value) => TrainResume.Format(value);
        TrainResume.Refuse(parse, o.Arch, F(a.Kind), folder);
        TrainResume.Refuse(parse, o.Hidden, F(a.Hidden), folder, h => F(ParseHidden(h!)));
        TrainResume.Refuse(parse, o.Latent, F(a.LatentDim), folder);
        TrainResume.Refuse(parse, o.Activation, F(a.Activation), folder);
        TrainResume.Refuse(parse, o.Likelihood, F(a.Likelihood), folder);
        TrainResume.Refuse(parse, o.GaussianVariance, F(a.GaussianVariance), folder);
        TrainResume.Refuse(parse, o.Posterior, F(a.Posterior), folder);
        TrainResume.Refuse(parse, o.FlowSteps, F(a.HasFlow ? a.FlowSteps : null), folder);
        TrainResume.Refuse(parse, o.FlowHidden, F(a.HasFlow ? a.FlowHidden : null), folder);
        TrainResume.Refuse(parse, o.Objective, F(t.Objective), folder);
        TrainResume.Refuse(parse, o.IwTrainK, F(t.Objective == TrainingObjective.Iwae ? t.IwTrainSamples : null), folder);
        TrainResume.Refuse<string?>(parse, o.Condition, a.Condition?.Column, folder);
        TrainResume.Refuse(parse, o.Beta, F(t.Beta), folder);
        TrainResume.Refuse(parse, o.Warmup, F(t.WarmupEpochs), folder);
        TrainResume.Refuse(parse, o.Batch, F(t.BatchSize), folder);
        TrainResume.Refuse(parse, o.Lr, F(t.LearningRate), folder);
        TrainResume.Refuse(parse, o.Seed, F(t.Seed), folder);
        TrainResume.Refuse(parse, o.AdamUpdate, F(t.AdamUpdate), folder);
        TrainResume.Refuse(parse, o.Patience, F(t.EarlyStoppingPatience), folder);
        TrainResume.Refuse(parse, o.Validation, F(d.ValidationFraction), folder);
        TrainResume.Refuse<string?>(parse, o.Label, d.LabelColumn, folder);
        if (info.Table is { } table)
        {
            TrainResume.Refuse<string?>(parse, o.IgnoreColumns, string.Join(",", table.IgnoredColumns), folder, v => string.Join(",", TableOptions.ParseNames(v)));
            // The schema keeps the ids in the file's column order, so the same ids given in another order agree with it.
            var ids = string.Join(",", table.IdColumns);
            TrainResume.Refuse(parse, o.IdColumns, ids, folder, v => TableOptions.ParseNames(v) is var given && given.ToHashSet().SetEquals(table.IdColumns) ? ids : string.Join(",", given));
            foreach (var option in new Option[] { o.ColumnTypes, o.DateFormat, o.NumericEncoding, o.BlankNormal })
                if (parse.GetResult(option) is { Implicit: false })
                    throw new CommandUsageException($"{option.Name}: leave it out when resuming; the checkpoint in {folder} keeps its column schema.");
        }
        TrainResume.Refuse(parse, o.MaxTrain, F(d.MaxTrainRows), folder);
        TrainResume.Refuse(parse, o.MaxTest, F(d.MaxTestRows), folder);
        TrainResume.Refuse(parse, o.ShuffleBuffer, F(d.ShuffleBufferRows ?? TableDataLoader.DefaultShuffleBufferRows), folder);
        // --data may say where the data is now, but not point at other data while the checkpoint's source is still there.
        TrainResume.Refuse<string?>(parse, o.Query, d.Query, folder);
        var dataPath = parse.GetValue(o.Data) is { } given ? TableSource.Parse(given, d.Query).Text : d.Source;
        if (dataPath != d.Source && (File.Exists(d.Source) || Directory.Exists(d.Source)))
            throw new CommandUsageException($"--data {dataPath} contradicts the checkpoint in {folder}, which was trained on {d.Source}; leave --data out when resuming.");
        var options = t with
        {
            Epochs = parse.GetValue(o.Epochs) ?? t.Epochs,
            Threads = parse.GetValue(o.Threads), GemmThreads = parse.GetValue(o.GemmThreads),
        };
        return new Setup(TrainResume.LoadData(info, dataPath), a, options);
    }

    private static Setup NewSetup(ParseResult parse, TrainCommandOptions o)
    {
        int patience = parse.GetValue(o.Patience);
        var source = new DataSourceOptions
        {
            Path = parse.GetValue(o.Data) ?? DefaultDataFolder, Query = parse.GetValue(o.Query), LabelColumn = parse.GetValue(o.Label), ConditionColumn = parse.GetValue(o.Condition),
            ValidationFraction = parse.GetValue(o.Validation) ?? (patience > 0 ? 0.1 : 0.0),
            MaxTrainRows = parse.GetValue(o.MaxTrain), MaxTestRows = parse.GetValue(o.MaxTest), Seed = parse.GetValue(o.Seed),
            ShuffleBufferRows = parse.GetValue(o.ShuffleBuffer),
            Table = new TableReadOptions
            {
                ColumnTypes = TableOptions.ParseColumnTypes(parse.GetValue(o.ColumnTypes)), IgnoreColumns = TableOptions.ParseNames(parse.GetValue(o.IgnoreColumns)),
                IdColumns = TableOptions.ParseNames(parse.GetValue(o.IdColumns)), BlankNormalColumns = TableOptions.ParseNames(parse.GetValue(o.BlankNormal)),
                NumericEncoding = parse.GetValue(o.NumericEncoding), DateFormat = parse.GetValue(o.DateFormat),
            },
        };
        if (patience > 0 && source.ValidationFraction <= 0)
            throw new CommandUsageException("--patience needs a validation split: set --validation to a fraction above 0.");
        var likelihood = ResolveLikelihood(parse, o, source.Path);
        var posterior = parse.GetValue(o.Posterior);
        if (posterior != PosteriorKind.Iaf && (parse.GetValue(o.FlowSteps) is not null || parse.GetValue(o.FlowHidden) is not null))
            throw new CommandUsageException("--flow-steps and --flow-hidden need --posterior iaf.");
        var objective = parse.GetValue(o.Objective);
        if (objective != TrainingObjective.Iwae && parse.GetValue(o.IwTrainK) is not null)
            throw new CommandUsageException("--iw-train-k needs --objective iwae.");
        if (likelihood == Likelihood.Mixed && posterior == PosteriorKind.Iaf)
            throw new CommandUsageException($"{source.Path} is read as a table (--likelihood mixed, the default for a CSV file); table models have no --posterior iaf yet: train it on numeric features with --likelihood gaussian or bernoulli.");
        var data = TrainingDataLoader.Load(source, likelihood);
        var architecture = new VaeArchitecture
        {
            Kind = parse.GetValue(o.Arch), InputShape = data.Train.ImageShape ?? [data.Train.FeatureCount],
            Hidden = ParseHidden(parse.GetValue(o.Hidden)!), LatentDim = parse.GetValue(o.Latent), Activation = parse.GetValue(o.Activation),
            Likelihood = likelihood, GaussianVariance = parse.GetValue(o.GaussianVariance),
            Condition = source.ConditionColumn is { } column ? Condition(data, column) : null,
            Posterior = posterior,
            FlowSteps = posterior == PosteriorKind.Iaf ? parse.GetValue(o.FlowSteps) ?? 2 : 0,
            FlowHidden = posterior == PosteriorKind.Iaf ? parse.GetValue(o.FlowHidden) ?? 320 : 0,
        };
        if (architecture.Kind == ModelKind.Conv && data.Train.ImageShape is null)
            throw new CommandUsageException($"--arch conv needs image data; {source.Path} has no image shape (use --arch mlp).");
        try
        {
            architecture.Validate("options");
        }
        catch (ArgumentException e)
        {
            // Option ranges are checked while parsing; what is left is the data not fitting the architecture (conv image sizes).
            throw new CommandUsageException($"--arch {EnumText.Of(architecture.Kind)}: {e.Message}");
        }
        var options = new TrainingOptions
        {
            Epochs = parse.GetValue(o.Epochs) ?? DefaultEpochs, BatchSize = parse.GetValue(o.Batch), LearningRate = parse.GetValue(o.Lr),
            Seed = parse.GetValue(o.Seed), Threads = parse.GetValue(o.Threads), Gemm = parse.GetValue(o.Gemm),
            GemmThreads = parse.GetValue(o.GemmThreads), AdamUpdate = parse.GetValue(o.AdamUpdate), Beta = parse.GetValue(o.Beta),
            WarmupEpochs = parse.GetValue(o.Warmup), EarlyStoppingPatience = patience,
            Objective = objective, IwTrainSamples = objective == TrainingObjective.Iwae ? parse.GetValue(o.IwTrainK) ?? 5 : 0,
        };
        return new Setup(data, architecture, options);
    }

    private static ConditionSpec Condition(TrainingData data, string column)
    {
        try
        {
            return TrainingDataLoader.Condition(data, column);
        }
        catch (ArgumentException e)
        {
            throw new CommandUsageException($"--condition-column {column}: {e.Message}");
        }
    }

    /// <summary>
    /// The likelihood asked for; without <c>--likelihood</c>, a file is a table (mixed: text, flags, numbers, blank cells)
    /// and anything else an IDX folder of images (Bernoulli), as <see cref="TrainCommandOptions.Likelihood"/>'s help says.
    /// The table options make sense only for a mixed model.
    /// </summary>
    private static Likelihood ResolveLikelihood(ParseResult parse, TrainCommandOptions o, string path)
    {
        bool table = TableSource.IsParquetOrDatabase(path);
        var likelihood = parse.GetValue(o.Likelihood)
            ?? (table || (File.Exists(path) && !Directory.Exists(path)) ? Likelihood.Mixed : Likelihood.Bernoulli);
        if (likelihood != Likelihood.Mixed && table)
            throw new CommandUsageException($"--data {path}: a Parquet file or a database is read as a table (--likelihood mixed, its default), not {EnumText.Of(likelihood)}.");
        if (likelihood != Likelihood.Mixed && (parse.GetValue(o.ColumnTypes) is not null || parse.GetValue(o.IgnoreColumns) is not null || parse.GetValue(o.DateFormat) is not null || parse.GetValue(o.BlankNormal) is not null || parse.GetResult(o.IdColumns) is not null || parse.GetResult(o.NumericEncoding) is { Implicit: false }))
            throw new CommandUsageException($"--column-types, --date-format, --ignore-columns, --blank-normal, --id-column and --numeric-encoding describe a table: use them with --likelihood mixed (the default for a CSV file), not {EnumText.Of(likelihood)}.");
        return likelihood;
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
