using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Pictures;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae encode|decode|reconstruct|score|sample</c>: score files through the ML.NET chain of a model folder.</summary>
public static class ScoringCommands
{
    private static readonly Option<string> Model = new("--model") { Description = "Model folder (encoder.onnx, decoder.onnx).", Required = true };
    private static readonly Option<string> Output = new("--output") { Description = "CSV file to write.", Required = true };
    private static readonly Option<Likelihood?> Likelihood = EnumOptions.Optional<Likelihood>("--likelihood", "bernoulli or gaussian, for pairs without VaeOnnx metadata.");
    private static readonly Option<string?> Condition = new("--condition") { Description = "Conditional models: the condition of every row (e.g. Sneaker); a CSV input may instead hold the condition's column." };
    private static readonly Option<string[]> IdColumns = new("--id-column")
    {
        Description = "Table models: a column of the input copied, as read, to the front of every output row (repeat or comma-separate for several); replaces the id columns the model recorded at training (vae train --id-column), which are copied by default.",
    };
    private static readonly Option<string?> Query = new("--query")
    {
        Description = "Table models: with --input sqlite:FILE.db or postgres:CONNECTION-STRING, the query whose rows are scored, e.g. \"select * from customers\" (a FILE.parquet input needs none).",
    };
    private static readonly Option<string?> Labels = new("--labels") { Description = "Conditional models: an IDX label file with the condition (class index) of every input row." };

    /// <summary>The five commands.</summary>
    public static IEnumerable<Command> Create()
    {
        yield return Rows("encode", "Encode rows into the posterior mean and log-variance: columns mu_0.., logvar_0... A CSV input is read by the model's feature names when it has them.",
            ["vae encode --model models/fashion-mnist-mlp --input t10k-images-idx3-ubyte.gz --output codes.csv",
             "vae encode --model models/sensors --input readings.csv --output codes.csv"],
            (ml, m) => ml.Transforms.VaeEncode(m), m => [ScoredCsvColumn.Vector("Mu", "mu", m.LatentDim), ScoredCsvColumn.Vector("LogVar", "logvar", m.LatentDim)],
            latentInput: false);
        yield return Rows("decode", "Decode latent rows (CSV with L columns) into x_hat_0.. (probabilities or means, raw units).",
            ["vae decode --model models/fashion-mnist-mlp --input codes.csv --output images.csv",
             "vae decode --model foreign-pair --likelihood bernoulli --input z.csv --output x.csv"],
            (ml, m) => ml.Transforms.VaeDecode(m, "Features", "Decoded"), m => [ScoredCsvColumn.Vector("Decoded", "x_hat", m.InputDim)],
            latentInput: true);
        yield return Rows("reconstruct", "Reconstruct rows: decode of the posterior mean, columns x_hat_0...",
            ["vae reconstruct --model models/fashion-mnist-mlp --input t10k-images-idx3-ubyte.gz --output recon.csv",
             "vae reconstruct --model models/sensors --input readings.csv --output recon.csv"],
            (ml, m) => ml.Transforms.VaeReconstruct(m), m => [ScoredCsvColumn.Vector("Reconstruction", "x_hat", m.InputDim)],
            latentInput: false);
        yield return Rows("score", "Anomaly score per row: score (negative ELBO with z = mu; higher is more unusual), recon, kl, sqerr. A table model writes its id columns first (as in the input), then score, recon, kl, is_anomaly (score at or above the pair's threshold) and contrib.<column> per column (nats; they add up to score, the KL shared out; see README).",
            ["vae score --model models/fashion-mnist-mlp --input t10k-images-idx3-ubyte.gz --output scores.csv",
             "vae score --model models/sensors --input readings.csv --output scores.csv",
             "vae score --model models/customers --input customers.csv --output scores.csv",
             "vae score --model models/customers --input customers.csv --id-column customer_id --output scores.csv",
             "vae score --model models/customers --input sqlite:customers.db --query \"select * from customers\" --output scores.csv"],
            (ml, m) => ml.Transforms.VaeAnomalyScore(m),
            _ => [ScoredCsvColumn.Scalar("Score", "score"), ScoredCsvColumn.Scalar("Score_recon", "recon"), ScoredCsvColumn.Scalar("Score_kl", "kl"), ScoredCsvColumn.Scalar("Score_sqerr", "sqerr")],
            latentInput: false);
        yield return Sample();
        yield return SynthesizeCommand.Create(Model);
    }

    private static Command Rows(string name, string description, string[] examples, Func<MLContext, VaeModel, IEstimator<ITransformer>> pipeline,
        Func<VaeModel, IReadOnlyList<ScoredCsvColumn>> columns, bool latentInput)
    {
        var input = new Option<string>("--input") { Description = latentInput ? "CSV with L numeric columns." : "IDX image file or CSV with the model's features.", Required = true };
        var command = new Command(name, $"{description}\nExamples:\n  {string.Join("\n  ", examples)}") { Model, input, Output, Likelihood, Condition, Labels };
        if (name == "score")
        {
            command.Options.Add(IdColumns);
            command.Options.Add(Query);
        }
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var model = ModelInput.LoadModel(parse.GetValue(Model)!, parse.GetValue(Likelihood), parse.InvocationConfiguration.Error);
            if (model.Table is not null)
            {
                if (name != "score")
                    throw new CommandUsageException($"vae {name}: {parse.GetValue(Model)} is a table model; score its rows with vae score, or draw rows with vae synthesize.");
                var tablePath = parse.GetValue(Output)!;
                long tableRows = TableScoreOutput.ScoreFile(model, parse.GetValue(input)!, tablePath, TableScoreOutput.BlockRows,
                    TableOptions.ParseNames(parse.GetValue(IdColumns)), parse.InvocationConfiguration.Error, parse.GetValue(Query));
                parse.InvocationConfiguration.Error.WriteLine($"{name}: {tableRows} rows -> {tablePath} (model pair {model.PairId})");
                return 0;
            }
            if (parse.GetResult(IdColumns) is not null)
                throw new CommandUsageException($"--id-column: {parse.GetValue(Model)} is not a table model; its score rows follow the input's order.");
            if (parse.GetResult(Query) is not null)
                throw new CommandUsageException($"--query: {parse.GetValue(Model)} is not a table model; it scores a CSV or IDX file.");
            int width = latentInput ? model.LatentDim : model.InputDim;
            var rows = latentInput ? ModelInput.Read(parse.GetValue(input)!, width, null, out _)
                : ModelInput.Read(parse.GetValue(input)!, width, model.FeatureNames, model.Image, out _);
            var conditions = ConditionRows.Read(model, parse.GetValue(input)!, rows.Length, parse.GetValue(Condition), parse.GetValue(Labels));
            var ml = new MLContext(1);
            var view = View(ml, rows, width, conditions, model.ConditionDim);
            var path = parse.GetValue(Output)!;
            var transformer = pipeline(ml, model).Fit(view);
            long written;
            try
            {
                written = new ScoredCsvWriter(columns(model)).WriteFile(path, transformer.Transform(view));
            }
            finally
            {
                (transformer as IDisposable)?.Dispose();
            }
            parse.InvocationConfiguration.Error.WriteLine($"{name}: {written} rows -> {path} (model pair {model.PairId})");
            return 0;
        }));
        return command;
    }

    private static Command Sample()
    {
        var count = new Option<int>("--count") { Description = "Number of draws.", DefaultValueFactory = _ => 64 }.AtLeast(1);
        var sampler = EnumOptions.Create("--sampler", "prior (N(0, I)) or gmm (the Gaussian mixture fitted to the training codes, stored by vae export --latent-mixture).", LatentSampler.Prior);
        var seed = new Option<int>("--seed") { Description = "Seed of the draws.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--output") { Description = "CSV file for z_0.. and x_hat_0.. per draw." };
        var png = new Option<string?>("--png") { Description = "PNG image grid of the decoded draws (image models)." };
        var command = new Command("sample", """
            Draw z from the prior N(0, I) (or the pair's latent mixture) and decode it. Writes z_0.. and x_hat_0.. per draw (CSV)
            and/or an image grid (PNG). A conditional model decodes every draw with --condition, or the classes in turn.
            Examples:
              vae sample --model models/fashion-mnist-mlp --count 64 --seed 1 --png samples.png
              vae sample --model models/fashion-mnist-mlp --count 1000 --output draws.csv
              vae sample --model models/fmnist-cvae --condition Sneaker --png sneakers.png
              vae sample --model models/fmnist-vae --sampler gmm --png gmm.png
            """)
        { Model, count, seed, output, png, Likelihood, sampler, Condition };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            if (parse.GetValue(output) is null && parse.GetValue(png) is null) throw new CommandUsageException("give --output FILE.csv, --png FILE.png, or both.");
            var model = ModelInput.LoadModel(parse.GetValue(Model)!, parse.GetValue(Likelihood), parse.InvocationConfiguration.Error);
            if (model.IsTable) throw new CommandUsageException($"vae sample: {parse.GetValue(Model)} is a table model; draw typed rows with vae synthesize.");
            var ml = new MLContext(1);
            var condition = parse.GetValue(Condition);
            if (condition is not null && model.Condition is null) throw new CommandUsageException("--condition: the model has no condition.");
            if (condition is not null && !model.Condition!.Classes.Contains(condition))
                throw new CommandUsageException($"--condition: '{condition}' is not a value of '{model.Condition.Column}'; expected one of {string.Join(", ", model.Condition.Classes)}.");
            if (parse.GetValue(sampler) == LatentSampler.Gmm && model.LatentMixture is null)
                throw new CommandUsageException($"--sampler gmm: {model.EncoderPath} stores no latent mixture; export the checkpoint with --latent-mixture auto.");
            var prior = model.Sample(ml, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(sampler), "Z", condition);
            var decoded = ml.Transforms.VaeDecode(model, "Z", "Decoded").Fit(prior).Transform(prior);
            if (parse.GetValue(output) is { } csv)
                new ScoredCsvWriter([ScoredCsvColumn.Vector("Z", "z", model.LatentDim), ScoredCsvColumn.Vector("Decoded", "x_hat", model.InputDim)]).WriteFile(csv, decoded);
            if (parse.GetValue(png) is { } picture)
            {
                if (model.Image is not { } image) throw new CommandUsageException($"--png needs an image model; this one takes rows of shape {string.Join("x", model.InputShape)}.");
                var x = Column(decoded, "Decoded");
                int columns = (int)Math.Ceiling(Math.Sqrt(x.Length));
                var grid = x.Chunk(columns).Select(r => (IReadOnlyList<float[]>)r.ToList()).ToList();
                VaeOnnx.Contract.IO.AtomicFileWriter.Write(picture, s => s.Write(ImageGrid.RenderPng(grid, image, scale: 2)));
            }
            var what = $"{EnumText.Of(parse.GetValue(sampler))} sampler" + (model.Condition is null ? "" : $", condition {parse.GetValue(Condition) ?? "classes in turn"}");
            parse.InvocationConfiguration.Error.WriteLine($"sample: {parse.GetValue(count)} draws ({what}, seed {parse.GetValue(seed)}, model pair {model.PairId})");
            return 0;
        }));
        return command;
    }

    private static IDataView View(MLContext ml, float[][] rows, int width, float[][]? conditions, int conditionWidth)
    {
        var items = rows.Select((r, i) => new InputRow { Features = r, Condition = conditions?[i] ?? [] }).ToList();
        var schema = SchemaDefinition.Create(typeof(InputRow));
        schema[nameof(InputRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        if (conditions is null) schema.RemoveAll(c => c.MemberName == nameof(InputRow.Condition));
        else schema[nameof(InputRow.Condition)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, conditionWidth);
        return ml.Data.LoadFromEnumerable(items, schema);
    }

    private static float[][] Column(IDataView view, string name) =>
        view.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();

    private sealed class InputRow
    {
        public float[] Features { get; set; } = [];
        public float[] Condition { get; set; } = [];
    }
}
