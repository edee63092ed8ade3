using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Training;

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
    /// Cancellation finishes the current step, writes a checkpoint and returns with stop reason "interrupted".
    /// </summary>
    public TrainingResult Train(VaeArchitecture architecture, TrainingData data, string folder, bool resume = false,
        CancellationToken cancellation = default)
    {
        architecture.Validate("architecture");
        CheckData(architecture, data);
        if (_options.Threads > 0) set_num_threads(_options.Threads);

        CheckpointInfo info;
        VariationalAutoencoder model;
        if (resume)
        {
            (info, model) = VaeCheckpoint.Load(folder);
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
            info = info with { Training = info.Training with { Epochs = _options.Epochs, Threads = _options.Threads }, StopReason = null };
        }
        else
        {
            if (VaeCheckpoint.Exists(folder))
                throw new IOException($"{Path.Combine(folder, VaeCheckpoint.InfoFileName)}: a checkpoint is already there; use --resume to continue it or choose another --out folder.");
            manual_seed(_options.Seed);
            model = new VariationalAutoencoder(architecture);
            info = new CheckpointInfo
            {
                Architecture = architecture, Training = _options, Scaling = data.Scaling, Dataset = data.Dataset,
                WeightsFile = "", OptimizerFile = "",
            };
        }

        try
        {
            var options = info.Training;
            using var optimizer = optim.Adam(model.parameters().Where(p => p.requires_grad), options.LearningRate,
                options.AdamBeta1, options.AdamBeta2, options.AdamEps);
            if (resume) VaeCheckpoint.LoadOptimizer(folder, info, optimizer);
            return Run(model, optimizer, info, data, folder, cancellation);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private TrainingResult Run(VariationalAutoencoder model, TorchSharp.Modules.OptimizerHelper optimizer, CheckpointInfo info, TrainingData data,
        string folder, CancellationToken cancellation)
    {
        var options = info.Training;
        int rows = data.Train.Rows, batch = Math.Min(options.BatchSize, rows);
        int stepsPerEpoch = (rows + batch - 1) / batch;
        string? lastCheckpoint = VaeCheckpoint.Exists(folder) ? folder : null;
        if (info.Step >= stepsPerEpoch)
            throw new CheckpointFormatException(Path.Combine(folder, VaeCheckpoint.InfoFileName),
                $"field 'step' is {info.Step}; expected fewer than the {stepsPerEpoch} steps of an epoch over {rows} rows in batches of {batch}");
        var metrics = info.Metrics.ToList();
        int? bestEpoch = info.BestEpoch;
        string? bestWeightsFile = info.BestWeightsFile;
        double bestValidation = bestEpoch is int b ? metrics[b - 1].ValidationNegElbo ?? double.PositiveInfinity : double.PositiveInfinity;
        if (options.EarlyStoppingPatience > 0 && bestEpoch is not null && bestWeightsFile is null)
            throw new CheckpointFormatException(Path.Combine(folder, VaeCheckpoint.InfoFileName),
                $"field 'best_weights_file' is missing, so early stopping could not restore the weights of best epoch {bestEpoch}; expected the best-validation weights file (checkpoints written before it was kept cannot be resumed with early stopping)");

        using var all = VaeEvaluator.AsTensor(data.Train);
        using var generator = new Generator((ulong)options.Seed);
        string stopReason = "completed";
        for (int epoch = info.Epoch + 1; epoch <= options.Epochs; epoch++)
        {
            var partial = info.Step > 0 ? info.PartialEpoch ?? new PartialEpoch() : new PartialEpoch();
            int firstStep = info.Step;
            double reconSum = partial.ReconSum, klSum = partial.KlSum, objectiveSum = partial.ObjectiveSum;
            long seen = partial.Samples;
            var epochTimer = Stopwatch.StartNew();
            double secondsBefore = partial.Seconds;

            generator.manual_seed(StreamSeed(options.Seed, epoch, -1));
            using var permutation = randperm(rows, generator: generator);
            model.train();
            for (int step = firstStep; step < stepsPerEpoch; step++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    EnsureFinite(model, epoch, step, lastCheckpoint);
                    info = info with
                    {
                        Epoch = epoch - 1, Step = step, Metrics = metrics, BestEpoch = bestEpoch, BestWeightsFile = bestWeightsFile, StopReason = "interrupted",
                        PartialEpoch = new PartialEpoch { ReconSum = reconSum, KlSum = klSum, ObjectiveSum = objectiveSum, Samples = seen, Seconds = secondsBefore + epochTimer.Elapsed.TotalSeconds },
                    };
                    info = VaeCheckpoint.Save(folder, model, optimizer, info);
                    return new TrainingResult(model, info, folder);
                }
                int start = step * batch, n = Math.Min(batch, rows - start);
                double beta = options.BetaAt(epoch - 1 + (double)step / stepsPerEpoch);
                double recon, kl, objective;
                using (var scope = NewDisposeScope())
                {
                    var x = all.index_select(0, permutation.narrow(0, start, n));
                    generator.manual_seed(StreamSeed(options.Seed, epoch, step));
                    optimizer.zero_grad();
                    var (mu, logvar) = model.encoder.forward(x);
                    var eps = randn(mu.shape, generator: generator);
                    var decoded = model.decoder.forward(VariationalAutoencoder.Reparameterize(mu, logvar, eps));
                    var terms = new ElboTerms(
                        ElboLoss.ReconstructionNll(model.Architecture.Likelihood, decoded, x, model.decoder_logvar),
                        ElboLoss.KlToStandardNormal(mu, logvar));
                    var loss = terms.Loss(beta);
                    objective = loss.item<float>();
                    if (!double.IsFinite(objective))
                        throw new NonFiniteLossException(epoch, step + 1, objective, lastCheckpoint);
                    loss.backward();
                    optimizer.step();
                    recon = terms.Reconstruction.sum().item<float>();
                    kl = terms.Kl.sum().item<float>();
                }
                reconSum += recon;
                klSum += kl;
                objectiveSum += objective * n;
                seen += n;
                if (_progress is not null && (step % 20 == 19 || step == stepsPerEpoch - 1))
                {
                    double rate = (seen - partial.Samples) / Math.Max(1e-9, epochTimer.Elapsed.TotalSeconds);
                    long remaining = (long)(options.Epochs - epoch) * rows + (rows - seen);
                    _progress.Report(new TrainingProgress(epoch, options.Epochs, step + 1, stepsPerEpoch, objectiveSum / seen, rate,
                        TimeSpan.FromSeconds(remaining / Math.Max(rate, 1e-9)), null));
                }
            }
            double trainSeconds = secondsBefore + epochTimer.Elapsed.TotalSeconds;
            double epochRate = (seen - partial.Samples) / Math.Max(1e-9, epochTimer.Elapsed.TotalSeconds);

            var test = VaeEvaluator.NegativeElbo(model, data.Test, options.EvalBatchSize, EvalSeed(options.Seed));
            double? validation = data.Validation is null ? null
                : VaeEvaluator.NegativeElbo(model, data.Validation, options.EvalBatchSize, EvalSeed(options.Seed)).NegElbo;
            var epochMetrics = new EpochMetrics
            {
                Epoch = epoch, TrainNegElbo = (reconSum + klSum) / seen, TrainRecon = reconSum / seen, TrainKl = klSum / seen,
                ValidationNegElbo = validation, TestNegElbo = test.NegElbo, TestRecon = test.Reconstruction, TestKl = test.Kl,
                Beta = options.BetaAt(epoch), SamplesPerSecond = epochRate, TrainSeconds = trainSeconds,
            };
            // Every checkpoint (and best-weights file) below is written only from finite weights and figures: a NaN
            // that did not reach the loss (an unused parameter, an overflow in evaluation) must not become "last good".
            if (!double.IsFinite(test.NegElbo))
                throw new NonFiniteLossException(epoch, stepsPerEpoch, "the test negative ELBO", test.NegElbo, lastCheckpoint);
            if (validation is double bad && !double.IsFinite(bad))
                throw new NonFiniteLossException(epoch, stepsPerEpoch, "the validation negative ELBO", bad, lastCheckpoint);
            EnsureFinite(model, epoch, stepsPerEpoch, lastCheckpoint);
            metrics.Add(epochMetrics);

            bool stopEarly = false;
            if (options.EarlyStoppingPatience > 0 && validation is double v)
            {
                if (v < bestValidation)
                {
                    bestValidation = v;
                    bestEpoch = epoch;
                    // On disk rather than in memory: a run interrupted after this epoch and resumed must still be able to
                    // go back to these weights when it stops early.
                    bestWeightsFile = VaeCheckpoint.SaveBestWeights(folder, model, epoch);
                }
                else if (epoch - (bestEpoch ?? 0) >= options.EarlyStoppingPatience)
                {
                    stopEarly = true;
                }
            }

            info = info with { Epoch = epoch, Step = 0, PartialEpoch = null, Metrics = metrics, BestEpoch = bestEpoch, BestWeightsFile = bestWeightsFile };
            if (stopEarly)
            {
                stopReason = "early_stopping";
                break;
            }
            if (epoch < options.Epochs)
            {
                info = VaeCheckpoint.Save(folder, model, optimizer, info);
                lastCheckpoint = folder;
            }
            WriteMetrics(folder, metrics);
            _progress?.Report(new TrainingProgress(epoch, options.Epochs, stepsPerEpoch, stepsPerEpoch, epochMetrics.TrainNegElbo,
                epochRate, TimeSpan.FromSeconds((options.Epochs - epoch) * rows / Math.Max(epochRate, 1e-9)), epochMetrics));
        }

        if (stopReason == "early_stopping")
        {
            // Early stopping keeps the weights of the best validation epoch, as users of the option expect.
            VaeCheckpoint.LoadBestWeights(folder, info, model);
            EnsureFinite(model, info.Epoch, stepsPerEpoch, lastCheckpoint);
        }
        info = VaeCheckpoint.Save(folder, model, optimizer, info with { StopReason = stopReason });
        WriteMetrics(folder, metrics);
        return new TrainingResult(model, info, folder);
    }

    /// <summary>Throws <see cref="NonFiniteLossException"/> naming the first parameter that holds a NaN or an infinity.</summary>
    private static void EnsureFinite(VariationalAutoencoder model, int epoch, int step, string? lastCheckpoint)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var finite = isfinite(parameter);
            if (finite.all().item<bool>()) continue;
            double value = parameter.masked_select(finite.logical_not())[0].item<float>();
            throw new NonFiniteLossException(epoch, step, $"parameter '{name}'", value, lastCheckpoint);
        }
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
    private static long StreamSeed(long seed, int epoch, int step)
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
        if (data.Test.Rows == 0) throw new ArgumentException($"{data.Test.Source}: the test split is empty.");
    }
}
