using TorchSharp;
using TorchSharp.Modules;
using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// The epochs of one run, from where its checkpoint stands: the steps of each epoch, the evaluation and checkpoint at its
/// end, early stopping, and the checkpoint written on cancellation. Rows held in memory are drawn in a fresh permutation
/// every epoch; a streamed table's come through its shuffle buffer (<see cref="TableTrainingStream"/>), seeded per epoch
/// the same way, so a resumed epoch replays the batches it had done and goes on.
/// </summary>
internal sealed class TrainingLoop
{
    private readonly VariationalAutoencoder _model;
    private readonly OptimizerHelper _optimizer;
    private readonly TrainingData _data;
    private readonly string _folder;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly TrainingOptions _options;
    private readonly int _rows, _batch, _stepsPerEpoch;
    private readonly List<EpochMetrics> _metrics;
    private CheckpointInfo _info;
    private string? _lastCheckpoint;
    private int? _bestEpoch;
    private string? _bestWeightsFile;
    private double _bestValidation;

    public TrainingLoop(VariationalAutoencoder model, OptimizerHelper optimizer, CheckpointInfo info, TrainingData data, string folder,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        (_model, _optimizer, _info, _data, _folder, _progress, _cancellation) = (model, optimizer, info, data, folder, progress, cancellation);
        _options = info.Training;
        _rows = data.TrainRows;
        _batch = Math.Min(_options.BatchSize, _rows);
        _stepsPerEpoch = (_rows + _batch - 1) / _batch;
        _lastCheckpoint = VaeCheckpoint.Exists(folder) ? folder : null;
        var infoPath = Path.Combine(folder, VaeCheckpoint.InfoFileName);
        if (info.Step >= _stepsPerEpoch)
            throw new CheckpointFormatException(infoPath,
                $"field 'step' is {info.Step}; expected fewer than the {_stepsPerEpoch} steps of an epoch over {_rows} rows in batches of {_batch}");
        _metrics = info.Metrics.ToList();
        _bestEpoch = info.BestEpoch;
        _bestWeightsFile = info.BestWeightsFile;
        _bestValidation = _bestEpoch is int b ? _metrics[b - 1].ValidationNegElbo ?? double.PositiveInfinity : double.PositiveInfinity;
        if (_options.EarlyStoppingPatience > 0 && _bestEpoch is not null && _bestWeightsFile is null)
            throw new CheckpointFormatException(infoPath,
                $"field 'best_weights_file' is missing, so early stopping could not restore the weights of best epoch {_bestEpoch}; expected the best-validation weights file (checkpoints written before it was kept cannot be resumed with early stopping)");
    }

    public TrainingResult Run()
    {
        // A streamed table's rows are never all in one tensor.
        using var all = _data.TrainStream is null ? VaeEvaluator.AsTensor(_data.Train) : null;
        using var labels = all is not null && _model.IsConditional ? VaeEvaluator.LabelTensor(_data.Train) : null;
        using var generator = new Generator((ulong)_options.Seed);
        var stopReason = StopReason.Completed;
        for (int epoch = _info.Epoch + 1; epoch <= _options.Epochs; epoch++)
        {
            var sums = _data.TrainStream is { } stream ? TrainStreamedEpoch(epoch, stream, generator) : TrainEpoch(epoch, all!, labels, generator);
            if (sums is null) return new TrainingResult(_model, _info, _folder);
            if (FinishEpoch(epoch, sums))
            {
                stopReason = StopReason.EarlyStopping;
                break;
            }
        }
        if (stopReason == StopReason.EarlyStopping)
        {
            // Early stopping keeps the weights of the best validation epoch, as users of the option expect.
            VaeCheckpoint.LoadBestWeights(_folder, _info, _model);
            EnsureFinite(_info.Epoch, _stepsPerEpoch);
        }
        _info = VaeCheckpoint.Save(_folder, _model, _optimizer, _info with { StopReason = stopReason });
        VaeTrainer.WriteMetrics(_folder, _metrics);
        return new TrainingResult(_model, _info, _folder);
    }

    /// <summary>The epoch's steps; null when cancellation stopped it (the checkpoint then holds the step reached).</summary>
    private EpochSums? TrainEpoch(int epoch, Tensor all, Tensor? labels, Generator generator)
    {
        int firstStep = _info.Step;
        var sums = new EpochSums(firstStep > 0 ? _info.PartialEpoch ?? new PartialEpoch() : new PartialEpoch());
        generator.manual_seed(VaeTrainer.StreamSeed(_options.Seed, epoch, -1));
        using var permutation = randperm(_rows, generator: generator);
        _model.train();
        for (int step = firstStep; step < _stepsPerEpoch; step++)
        {
            if (_cancellation.IsCancellationRequested)
            {
                Interrupt(epoch, step, sums);
                return null;
            }
            using (NewDisposeScope())
            {
                int start = step * _batch, n = Math.Min(_batch, _rows - start);
                var rows = permutation.narrow(0, start, n);
                Step(epoch, step, all.index_select(0, rows), labels?.index_select(0, rows), generator, sums);
            }
            ReportStep(epoch, step, sums);
        }
        return sums;
    }

    /// <summary>
    /// An epoch over a streamed table: its batches in the order the shuffle buffer draws for this epoch; a resumed epoch
    /// reads past the batches its checkpoint had done. Null when cancellation stopped it.
    /// </summary>
    private EpochSums? TrainStreamedEpoch(int epoch, TableTrainingStream stream, Generator generator)
    {
        int firstStep = _info.Step, step = 0;
        var sums = new EpochSums(firstStep > 0 ? _info.PartialEpoch ?? new PartialEpoch() : new PartialEpoch());
        _model.train();
        foreach (var batch in stream.Batches(_batch, VaeTrainer.StreamSeed(_options.Seed, epoch, -1)))
        {
            if (step < firstStep)
            {
                step++;
                continue;
            }
            if (_cancellation.IsCancellationRequested)
            {
                Interrupt(epoch, step, sums);
                return null;
            }
            using (NewDisposeScope())
                Step(epoch, step, VaeEvaluator.AsTensor(batch), _model.IsConditional ? VaeEvaluator.LabelTensor(batch) : null, generator, sums);
            ReportStep(epoch, step, sums);
            step++;
        }
        return sums;
    }

    /// <summary>Reports progress every 20 steps and at the epoch's last.</summary>
    private void ReportStep(int epoch, int step, EpochSums sums)
    {
        if (_progress is null || (step % 20 != 19 && step != _stepsPerEpoch - 1)) return;
        long epochLeft = _rows - sums.Seen, runLeft = (long)(_options.Epochs - epoch) * _rows + epochLeft;
        double rate = Math.Max(sums.Rate, 1e-9);
        _progress.Report(new TrainingProgress(epoch, _options.Epochs, step + 1, _stepsPerEpoch, sums.Objective / sums.Seen, sums.Rate,
            TimeSpan.FromSeconds(runLeft / rate), null) { EpochEta = TimeSpan.FromSeconds(epochLeft / rate), BestEpoch = _bestEpoch });
    }

    /// <summary>One optimiser step on the batch <paramref name="x"/> (with its classes <paramref name="labels"/>, for a conditional model).</summary>
    private void Step(int epoch, int step, Tensor x, Tensor? labels, Generator generator, EpochSums sums)
    {
        int n = (int)x.shape[0];
        double beta = _options.BetaAt(epoch - 1 + (double)step / _stepsPerEpoch);
        using var scope = NewDisposeScope();
        var c = labels is null ? null : VaeEvaluator.OneHot(labels, _model.Architecture.ConditionDim);
        generator.manual_seed(VaeTrainer.StreamSeed(_options.Seed, epoch, step));
        _optimizer.zero_grad();
        Tensor loss, recon, kl;
        int latent = _model.Architecture.LatentDim;
        if (_options.Objective == TrainingObjective.Iwae)
        {
            var terms = ImportanceWeightedLoss.Compute(_model, x, c, randn([n, _options.IwTrainSamples, latent], generator: generator), beta);
            (loss, recon, kl) = (terms.Loss, terms.Reconstruction, terms.Kl);
        }
        else
        {
            var terms = ElboLoss.Compute(_model, _model.Forward(x, c, randn([n, latent], generator: generator)), x);
            (loss, recon, kl) = (terms.Loss(beta), terms.Reconstruction, terms.Kl);
        }
        double objective = loss.item<float>();
        if (!double.IsFinite(objective))
            throw new NonFiniteLossException(epoch, step + 1, objective, _lastCheckpoint);
        loss.backward();
        _optimizer.step();
        sums.Add(recon.sum().item<float>(), kl.sum().item<float>(), objective, n);
    }

    private void Interrupt(int epoch, int step, EpochSums sums)
    {
        EnsureFinite(epoch, step);
        _info = VaeCheckpoint.Save(_folder, _model, _optimizer, _info with
        {
            Epoch = epoch - 1, Step = step, Metrics = _metrics, BestEpoch = _bestEpoch, BestWeightsFile = _bestWeightsFile,
            StopReason = StopReason.Interrupted, PartialEpoch = sums.ToPartial(),
        });
    }

    /// <summary>Evaluates the epoch, records it, keeps the best weights and checkpoints; true when early stopping ends the run.</summary>
    private bool FinishEpoch(int epoch, EpochSums sums)
    {
        var metrics = Evaluate(epoch, sums);
        _metrics.Add(metrics);
        bool stopEarly = TrackBest(epoch, metrics.ValidationNegElbo);
        _info = _info with { Epoch = epoch, Step = 0, PartialEpoch = null, Metrics = _metrics, BestEpoch = _bestEpoch, BestWeightsFile = _bestWeightsFile };
        // The run's last checkpoint and metrics of an early stop are written by Run, after the best weights are back.
        if (!stopEarly)
        {
            if (epoch < _options.Epochs)
            {
                _info = VaeCheckpoint.Save(_folder, _model, _optimizer, _info);
                _lastCheckpoint = _folder;
            }
            VaeTrainer.WriteMetrics(_folder, _metrics);
        }
        _progress?.Report(new TrainingProgress(epoch, _options.Epochs, _stepsPerEpoch, _stepsPerEpoch, metrics.TrainNegElbo,
            metrics.SamplesPerSecond, TimeSpan.FromSeconds((_options.Epochs - epoch) * _rows / Math.Max(metrics.SamplesPerSecond, 1e-9)), metrics)
        {
            BestEpoch = _bestEpoch, StoppedEarly = stopEarly,
        });
        return stopEarly;
    }

    private EpochMetrics Evaluate(int epoch, EpochSums sums)
    {
        double rate = sums.Rate, seconds = sums.Seconds;
        long evalSeed = VaeTrainer.EvalSeed(_options.Seed);
        var test = VaeEvaluator.NegativeElbo(_model, _data.Test, _options.EvalBatchSize, evalSeed);
        double? validation = _data.Validation is null ? null : VaeEvaluator.NegativeElbo(_model, _data.Validation, _options.EvalBatchSize, evalSeed).NegElbo;
        // Every checkpoint (and best-weights file) is written only from finite weights and figures: a NaN that did not
        // reach the loss (an unused parameter, an overflow in evaluation) must not become "last good".
        if (!double.IsFinite(test.NegElbo))
            throw new NonFiniteLossException(epoch, _stepsPerEpoch, "the test negative ELBO", test.NegElbo, _lastCheckpoint);
        if (validation is double bad && !double.IsFinite(bad))
            throw new NonFiniteLossException(epoch, _stepsPerEpoch, "the validation negative ELBO", bad, _lastCheckpoint);
        EnsureFinite(epoch, _stepsPerEpoch);
        return new EpochMetrics
        {
            Epoch = epoch, TrainNegElbo = (sums.Recon + sums.Kl) / sums.Seen, TrainRecon = sums.Recon / sums.Seen, TrainKl = sums.Kl / sums.Seen,
            ValidationNegElbo = validation, TestNegElbo = test.NegElbo, TestRecon = test.Reconstruction, TestKl = test.Kl,
            Beta = _options.BetaAt(epoch), SamplesPerSecond = rate, TrainSeconds = seconds,
        };
    }

    /// <summary>Keeps the best validation epoch's weights on disk; true when patience has run out.</summary>
    private bool TrackBest(int epoch, double? validation)
    {
        if (_options.EarlyStoppingPatience <= 0 || validation is not double v) return false;
        if (v < _bestValidation)
        {
            _bestValidation = v;
            _bestEpoch = epoch;
            // On disk rather than in memory: a run interrupted after this epoch and resumed must still be able to go back
            // to these weights when it stops early.
            _bestWeightsFile = VaeCheckpoint.SaveBestWeights(_folder, _model, epoch);
            return false;
        }
        return epoch - (_bestEpoch ?? 0) >= _options.EarlyStoppingPatience;
    }

    /// <summary>Throws <see cref="NonFiniteLossException"/> naming the first parameter that holds a NaN or an infinity.</summary>
    private void EnsureFinite(int epoch, int step)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in _model.named_parameters())
        {
            var finite = isfinite(parameter);
            if (finite.all().item<bool>()) continue;
            double value = parameter.masked_select(finite.logical_not())[0].item<float>();
            throw new NonFiniteLossException(epoch, step, $"parameter '{name}'", value, _lastCheckpoint);
        }
    }
}
