namespace VaeOnnx.Training.Trainer;

/// <summary>A progress report for a bar or a log line: sent every few steps and at the end of each epoch.</summary>
/// <param name="Epoch">1-based epoch being trained.</param>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in one epoch.</param>
/// <param name="Loss">Running mean of the training objective in this epoch.</param>
/// <param name="SamplesPerSecond">Throughput in this epoch so far.</param>
/// <param name="Eta">Estimated time to the end of the run's training steps.</param>
/// <param name="Completed">Set on the report sent when an epoch finishes.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double Loss,
    double SamplesPerSecond, TimeSpan Eta, EpochMetrics? Completed)
{
    /// <summary>Estimated time to the end of this epoch's training steps.</summary>
    public TimeSpan EpochEta { get; init; }

    /// <summary>Early stopping: the epoch with the best validation negative ELBO so far; null without early stopping.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Set on the last epoch's report when early stopping ends the run there (the best epoch's weights are kept).</summary>
    public bool StoppedEarly { get; init; }
}
