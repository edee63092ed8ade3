using System.Diagnostics;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Training.Trainer;

/// <summary>The running sums of an epoch in training, continued from a checkpoint's partial epoch when resuming mid-epoch.</summary>
internal sealed class EpochSums
{
    private readonly long _samplesBefore;
    private readonly double _secondsBefore;
    private readonly Stopwatch _timer = Stopwatch.StartNew();

    public EpochSums(PartialEpoch partial)
    {
        (Recon, Kl, Objective, Seen) = (partial.ReconSum, partial.KlSum, partial.ObjectiveSum, partial.Samples);
        (_samplesBefore, _secondsBefore) = (partial.Samples, partial.Seconds);
    }

    /// <summary>Sum of reconstruction terms.</summary>
    public double Recon { get; private set; }
    /// <summary>Sum of KL terms.</summary>
    public double Kl { get; private set; }
    /// <summary>Sum of the objective, each step's mean times its rows.</summary>
    public double Objective { get; private set; }
    /// <summary>Samples seen in the epoch, before the resume included.</summary>
    public long Seen { get; private set; }

    /// <summary>Samples per second over this process's part of the epoch.</summary>
    public double Rate => (Seen - _samplesBefore) / Math.Max(1e-9, _timer.Elapsed.TotalSeconds);

    /// <summary>Seconds of training steps in the epoch, before the resume included.</summary>
    public double Seconds => _secondsBefore + _timer.Elapsed.TotalSeconds;

    public void Add(double recon, double kl, double objective, int rows)
    {
        Recon += recon;
        Kl += kl;
        Objective += objective * rows;
        Seen += rows;
    }

    public PartialEpoch ToPartial() => new() { ReconSum = Recon, KlSum = Kl, ObjectiveSum = Objective, Samples = Seen, Seconds = Seconds };
}
