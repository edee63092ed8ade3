using System.Globalization;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Optim;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// Maximises the ELBO with Adam. Every random draw (initialisation, per-epoch shuffle, per-step noise) comes from a
/// generator seeded by (seed, epoch, step), so a run stopped at any step and resumed from its checkpoint continues exactly
/// as the uninterrupted run would (on CPU with the same thread count).
/// </summary>
public sealed class VaeTrainer
{
    /// <summary>Name of the per-epoch metrics file written next to the checkpoint.</summary>
    public const string MetricsFileName = "metrics.csv";

    private readonly TrainingOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Creates a trainer; <paramref name="progress"/> receives reports every few steps and at each epoch end.</summary>
    public VaeTrainer(TrainingOptions options, IProgress<TrainingProgress>? progress = null)
    {
        options.Validate();
        _options = options;
        _progress = progress;
    }

    /// <summary>
    /// Trains a new model into <paramref name="folder"/>, or continues the checkpoint there when <paramref name="resume"/> is set.
    /// Cancellation finishes the current step, writes a checkpoint and returns with <see cref="StopReason.Interrupted"/>.
    /// </summary>
    public TrainingResult Train(VaeArchitecture architecture, TrainingData data, string folder, bool resume = false,
        CancellationToken cancellation = default)
    {
        architecture.Validate("architecture");
        CheckData(architecture, data);
        if (_options.Threads > 0) set_num_threads(_options.Threads);

        var (info, model) = resume ? Resume(folder, architecture, data) : Start(folder, architecture, data);
        try
        {
            var options = info.Training;
            model.Gemm = LinearRoute.Resolve(options.Gemm, options.GemmThreads > 0 ? options.GemmThreads : options.Threads, out var notice);
            if (notice is not null) Console.Error.WriteLine(notice);
            using var optimizer = CreateOptimizer(model, options);
            if (resume) VaeCheckpoint.LoadOptimizer(folder, info, optimizer);
            return new TrainingLoop(model, optimizer, info, data, folder, _progress, cancellation).Run();
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private (CheckpointInfo Info, VariationalAutoencoder Model) Resume(string folder, VaeArchitecture architecture, TrainingData data)
    {
        var (info, model) = VaeCheckpoint.Load(folder);
        try
        {
            var infoPath = Path.Combine(folder, VaeCheckpoint.InfoFileName);
            if (info.Architecture.InputDim != architecture.InputDim)
                throw new CheckpointFormatException(infoPath,
                    $"the checkpoint's model takes {info.Architecture.InputDim} features but the data has {architecture.InputDim}");
            ResumeCheck.SameData(infoPath, info, data);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        // The checkpoint's schedule is the run's schedule; only the number of epochs may be raised to train longer.
        return (info with { Training = info.Training with { Epochs = _options.Epochs, Threads = _options.Threads, GemmThreads = _options.GemmThreads }, StopReason = null }, model);
    }

    /// <summary>Adam over the trainable parameters, per tensor or over one flat buffer (which moves the parameters into it).</summary>
    private static Adam CreateOptimizer(VariationalAutoencoder model, TrainingOptions options)
    {
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        var (lr, beta1, beta2, eps) = (options.LearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEps);
        return options.AdamUpdate switch
        {
            AdamUpdate.Flat => new FlatAdam(parameters, lr, beta1, beta2, eps),
            AdamUpdate.Fused => new FusedAdam(parameters, lr, beta1, beta2, eps),
            _ => optim.Adam(parameters, lr, beta1, beta2, eps),
        };
    }

    private (CheckpointInfo Info, VariationalAutoencoder Model) Start(string folder, VaeArchitecture architecture, TrainingData data)
    {
        if (VaeCheckpoint.Exists(folder))
            throw new IOException($"{Path.Combine(folder, VaeCheckpoint.InfoFileName)}: a checkpoint is already there; use --resume to continue it or choose another --out folder.");
        manual_seed(_options.Seed);
        var info = new CheckpointInfo
        {
            Architecture = architecture, Training = _options, Scaling = data.Scaling, Dataset = data.Dataset, Table = data.Table,
            WeightsFile = "", OptimizerFile = "",
        };
        return (info, new VariationalAutoencoder(architecture, data.Table));
    }

    /// <summary>Writes (atomically) one CSV row per epoch, with a header.</summary>
    public static void WriteMetrics(string folder, IReadOnlyList<EpochMetrics> metrics)
    {
        var csv = new StringBuilder("epoch,train_neg_elbo,train_recon,train_kl,validation_neg_elbo,test_neg_elbo,test_recon,test_kl,beta,samples_per_s,train_seconds\n");
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var m in metrics)
            csv.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{F(m.TrainNegElbo)},{F(m.TrainRecon)},{F(m.TrainKl)},{(m.ValidationNegElbo is double v ? F(v) : "")},{F(m.TestNegElbo)},{F(m.TestRecon)},{F(m.TestKl)},{F(m.Beta)},{F(m.SamplesPerSecond)},{F(m.TrainSeconds)}\n");
        Directory.CreateDirectory(folder);
        AtomicFileWriter.WriteText(Path.Combine(folder, MetricsFileName), csv.ToString());
    }

    /// <summary>The seed of the evaluation noise: fixed per run so that epoch figures are comparable.</summary>
    public static long EvalSeed(long seed) => (long)(StreamSeed(seed, 0, -2) & long.MaxValue);

    /// <summary>Distinct, well-mixed generator seeds per (run seed, epoch, step) (SplitMix64 finaliser).</summary>
    internal static long StreamSeed(long seed, int epoch, int step)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)epoch << 32 | (uint)step);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) & long.MaxValue);
    }

    private static void CheckData(VaeArchitecture architecture, TrainingData data)
    {
        foreach (var split in new[] { data.Train, data.Validation, data.Test })
        {
            if (split is null) continue;
            if (split.FeatureCount != architecture.InputDim)
                throw new ArgumentException($"{split.Source}: rows have {split.FeatureCount} features; the model expects {architecture.InputDim}.");
        }
        if (data.Train.Rows == 0) throw new ArgumentException($"{data.Train.Source}: the training split is empty.");
        if (architecture.Condition is { } condition)
            foreach (var split in new[] { data.Train, data.Validation, data.Test })
            {
                if (split is null) continue;
                if (split.Labels is null) throw new ArgumentException($"{split.Source}: the rows have no labels; the condition '{condition.Column}' needs one per row.");
                int bad = Array.FindIndex(split.Labels, l => l < 0 || l >= condition.Dim);
                if (bad >= 0) throw new ArgumentException($"{split.Source}: row {bad + 1} has condition class {split.Labels[bad]}; the model's condition '{condition.Column}' has classes 0 to {condition.Dim - 1}.");
            }
        if (data.Test.Rows == 0) throw new ArgumentException($"{data.Test.Source}: the test split is empty.");
    }
}
