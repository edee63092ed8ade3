using System.CommandLine;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Optim;

namespace VaeOnnx.Cli.Commands;

/// <summary>The options of <c>vae train</c>, made once per command.</summary>
public sealed class TrainCommandOptions
{
    /// <summary>IDX folder, or a table: CSV or Parquet file, or database.</summary>
    public Option<string?> Data { get; } = new("--data") { Description = $"IDX folder (train-/t10k- images+labels), CSV file, or a table model's FILE.parquet, sqlite:FILE.db or postgres:CONNECTION-STRING with --query (default {TrainCommand.DefaultDataFolder}; with --resume, where the checkpoint's data was)." };
    /// <summary>The query of a database source.</summary>
    public Option<string?> Query { get; } = new("--query") { Description = "With --data sqlite:FILE.db or postgres:CONNECTION-STRING: the query whose rows are the table, e.g. \"select * from customers\" (recorded in the checkpoint, which vae export reads again)." };
    /// <summary>Network family.</summary>
    public Option<ModelKind> Arch { get; } = EnumOptions.Create("--arch", "mlp or conv.", ModelKind.Mlp);
    /// <summary>Hidden layer sizes.</summary>
    public Option<string> Hidden { get; } = new Option<string>("--hidden") { Description = "Hidden layer sizes, comma separated (e.g. 400 or 512,256).", DefaultValueFactory = _ => "400" }.Parsed(TrainCommand.ParseHidden);
    /// <summary>Latent dimension.</summary>
    public Option<int> Latent { get; } = new Option<int>("--latent") { Description = "Latent dimension.", DefaultValueFactory = _ => 20 }.AtLeast(1);
    /// <summary>Hidden activation.</summary>
    public Option<Activation> Activation { get; } = EnumOptions.Create("--activation", "relu, leakyrelu, tanh or sigmoid.", Contract.Activation.Relu);
    /// <summary>Decoder likelihood.</summary>
    public Option<Likelihood?> Likelihood { get; } = EnumOptions.Optional<Likelihood>("--likelihood",
        "bernoulli (data in [0,1]), gaussian (real-valued) or mixed (a table with text, flags, numbers and blank cells). Default: it depends on --data: mixed when it is a file (a CSV table), bernoulli otherwise (an IDX image folder); with --resume, the checkpoint's.");
    /// <summary>Table models: declared column kinds.</summary>
    public Option<string?> ColumnTypes { get; } = new Option<string?>("--column-types") { Description = "Table (mixed) models: kinds that override inference, e.g. zip:categorical,age:integer,signup:date (numeric, integer, boolean, categorical, date, datetime). ISO 8601 dates and date-times are inferred." }.ParsedOrNull(TableOptions.ParseColumnTypes);
    /// <summary>Table models: the format of dates that are not ISO 8601.</summary>
    public Option<string?> DateFormat { get; } = new Option<string?>("--date-format") { Description = "Table (mixed) models: the .NET format of dates that are not ISO 8601, e.g. dd/MM/yyyy or MM/dd/yyyy HH:mm (a format with hours makes date-times); tried on every text column, so with --column-types c:date or without." }.ParsedOrNull(TableOptions.ParseDateFormat);
    /// <summary>Table models: columns left out.</summary>
    public Option<string?> IgnoreColumns { get; } = new("--ignore-columns") { Description = "Table (mixed) models: columns to leave out, e.g. ids and free text: id,comment." };
    /// <summary>Table models: columns where a blank cell is normal, its missing-value indicator left out of the score.</summary>
    public Option<string?> BlankNormal { get; } = new("--blank-normal") { Description = "Table (mixed) models: columns where a blank cell is normal, e.g. spend,referrer: the missing-value indicator is still learned (synthetic rows keep the blank rate) but left out of the anomaly score, so a blank there never raises a row." };
    /// <summary>Table models: id columns, kept out of the features and recorded in the schema.</summary>
    public Option<string[]> IdColumns { get; } = new("--id-column")
    {
        Description = "Table (mixed) models: an id column (repeat the option or comma-separate for several): never a feature, recorded in the model so that vae score writes it first in every row, vae synthesize gives it fresh ids (synthetic-000001, ...) and vae report names rows by it.",
    };
    /// <summary>Table models: how numbers become features.</summary>
    public Option<NumericEncoding> NumericEncoding { get; } = EnumOptions.Create("--numeric-encoding",
        "Table (mixed) models: standard (standardised numbers) or modes (TVAE's mode-specific normalisation: a Gaussian mixture of at most 10 modes per numeric column).",
        Contract.NumericEncoding.Standard);
    /// <summary>Gaussian decoder variance.</summary>
    public Option<GaussianVariance> GaussianVariance { get; } = EnumOptions.Create("--gaussian-variance", "learned or fixed per-feature variance of a Gaussian decoder.", Contract.GaussianVariance.Learned);
    /// <summary>Posterior family.</summary>
    public Option<PosteriorKind> Posterior { get; } = EnumOptions.Create("--posterior", "gaussian (diagonal) or iaf (the Gaussian followed by an inverse autoregressive flow).", PosteriorKind.Gaussian);
    /// <summary>IAF steps.</summary>
    public Option<int?> FlowSteps { get; } = new Option<int?>("--flow-steps") { Description = "IAF posterior: flow steps (default 2)." }.AtLeast(1);
    /// <summary>IAF width.</summary>
    public Option<int?> FlowHidden { get; } = new Option<int?>("--flow-hidden") { Description = "IAF posterior: hidden units of each step's autoregressive network (default 320)." }.AtLeast(1);
    /// <summary>Training objective.</summary>
    public Option<TrainingObjective> Objective { get; } = EnumOptions.Create("--objective", "elbo or iwae (the importance-weighted bound with --iw-train-k draws).", TrainingObjective.Elbo);
    /// <summary>IWAE draws.</summary>
    public Option<int?> IwTrainK { get; } = new Option<int?>("--iw-train-k") { Description = "--objective iwae: importance draws K per sample (default 5)." }.AtLeast(1);
    /// <summary>Condition column.</summary>
    public Option<string?> Condition { get; } = new("--condition-column") { Description = "Train a conditional VAE on this column: 'label' for an IDX folder's label file, or a categorical CSV column (one-hot; for a table model it is kept out of the features, 2 to 64 categories, no blank cells)." };
    /// <summary>KL weight.</summary>
    public Option<double> Beta { get; } = new Option<double>("--beta") { Description = "KL weight (1 = ELBO).", DefaultValueFactory = _ => 1.0 }.NotNegative();
    /// <summary>KL warm-up epochs.</summary>
    public Option<double> Warmup { get; } = new Option<double>("--warmup") { Description = "Epochs of linear KL warm-up from 0 to beta.", DefaultValueFactory = _ => 0.0 }.NotNegative();
    /// <summary>Epochs.</summary>
    public Option<int?> Epochs { get; } = new Option<int?>("--epochs") { Description = $"Training epochs (default {TrainCommand.DefaultEpochs}; with --resume, the total to reach, default the checkpoint's)." }.AtLeast(1);
    /// <summary>Batch size.</summary>
    public Option<int> Batch { get; } = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 128 }.AtLeast(1);
    /// <summary>Learning rate.</summary>
    public Option<double> Lr { get; } = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 }.Positive();
    /// <summary>Seed.</summary>
    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of initialisation, shuffling, noise and splits.", DefaultValueFactory = _ => 1 };
    /// <summary>LibTorch threads.</summary>
    public Option<int> Threads { get; } = new Option<int>("--threads")
    {
        Description = "LibTorch threads (0 = all cores; auto = the cores idle now, at least 1: one thread when another job keeps one of two cores busy, where a team of two would wait on the shared core at every barrier).",
        DefaultValueFactory = _ => 0,
        CustomParser = ThreadsArgument.Parse,
    }.AtLeast(0);
    /// <summary>BLAS of the fully connected layers.</summary>
    public Option<GemmBackend> Gemm { get; } = EnumOptions.Create("--gemm", "BLAS of the fully connected layers: libtorch (its MKL), openblas (the system's libopenblas0-pthread) or onednn (the system's libdnnl2); the last two fall back to libtorch when missing.", GemmBackend.LibTorch);
    /// <summary>OpenBLAS threads.</summary>
    public Option<int> GemmThreads { get; } = new Option<int>("--gemm-threads") { Description = "--gemm openblas/onednn: the library's threads for the products (0 = as --threads); with --threads 1 LibTorch runs the rest of the step on one thread.", DefaultValueFactory = _ => 0 }.AtLeast(0);
    /// <summary>Passive OpenMP waiting.</summary>
    public Option<bool> OmpPassive { get; } = new("--omp-passive") { Description = "Idle OpenMP threads sleep at once instead of spinning (OMP_WAIT_POLICY=PASSIVE): for machines whose cores other jobs share, where spinning threads burn the time a preempted team mate needs." };
    /// <summary>Adam's update.</summary>
    public Option<AdamUpdate> AdamUpdate { get; } = EnumOptions.Create("--adam-update", "per-tensor (TorchSharp's Adam), flat (parameters, gradients and moments in one buffer each; one set of operations per step) or fused (the flat buffers updated in one vectorised pass; CPU).", Training.Optim.AdamUpdate.PerTensor);
    /// <summary>Early-stopping patience.</summary>
    public Option<int> Patience { get; } = new Option<int>("--patience") { Description = "Early stopping: epochs without validation improvement (0 = off).", DefaultValueFactory = _ => 0 }.AtLeast(0);
    /// <summary>Validation fraction.</summary>
    public Option<double?> Validation { get; } = new Option<double?>("--validation") { Description = "Fraction of training rows held out for validation (default 0, or 0.1 with --patience)." }.Fraction();
    /// <summary>CSV label column.</summary>
    public Option<string?> Label { get; } = new("--label-column") { Description = "CSV: label column set aside from the features." };
    /// <summary>Training row limit.</summary>
    public Option<int?> MaxTrain { get; } = new Option<int?>("--max-train-rows") { Description = "Use only the first N training rows (quick runs)." }.AtLeast(1);
    /// <summary>Test row limit.</summary>
    public Option<int?> MaxTest { get; } = new Option<int?>("--max-test-rows") { Description = "Use only the first N test rows (quick runs)." }.AtLeast(1);
    /// <summary>Rows of the shuffle buffer of a table model.</summary>
    public Option<int> ShuffleBuffer { get; } = new Option<int>("--shuffle-buffer")
    {
        Description = "Tables: rows held for shuffling. A table of no more rows is read whole and fully shuffled every epoch; a larger one streams from its source every epoch through a buffer of this many rows (its schema from a 100,000-row sample), so memory follows the buffer, not the table.",
        DefaultValueFactory = _ => VaeOnnx.Training.Trainer.TableDataLoader.DefaultShuffleBufferRows,
    }.AtLeast(1);
    /// <summary>Importance samples of the final estimate.</summary>
    public Option<int> IwSamples { get; } = new Option<int>("--iw-samples") { Description = "Importance samples K of the final log p(x) estimate (0 = skip).", DefaultValueFactory = _ => 1000 }.AtLeast(0);
    /// <summary>Rows of the final estimate.</summary>
    public Option<int> IwRows { get; } = new Option<int>("--iw-rows") { Description = "Test rows the log p(x) estimate averages over.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
    /// <summary>Checkpoint folder.</summary>
    public Option<string> Output { get; } = new("--out") { Description = "Checkpoint folder.", DefaultValueFactory = _ => "runs/vae" };
    /// <summary>Continue a checkpoint.</summary>
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue the checkpoint in --out with its architecture, likelihood, optimiser settings, scaling and data split: the defaults above then give way to the checkpoint's values (an option given must agree with them)." };
    /// <summary>JSON output.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object with the final figures on stdout." };

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All =>
    [
        Data, Query, Arch, Hidden, Latent, Activation, Likelihood, ColumnTypes, DateFormat, IgnoreColumns, BlankNormal, IdColumns, NumericEncoding, GaussianVariance, Posterior, FlowSteps, FlowHidden,
        Objective, IwTrainK, Condition, Beta, Warmup, Epochs, Batch, Lr, Seed, Threads, OmpPassive, Gemm, GemmThreads, AdamUpdate,
        Patience, Validation, Label, MaxTrain, MaxTest, ShuffleBuffer, IwSamples, IwRows, Output, Resume, Json,
    ];
}
