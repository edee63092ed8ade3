using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Console;

/// <summary>
/// Epoch lines for a log (output redirected, or <c>--json</c>): the run's first and last epoch and every
/// <see cref="Interval"/>-th one, and an early stop with the line of the best epoch it keeps, so that a 300-epoch run stays a short log.
/// </summary>
public sealed class EpochLines(TextWriter lines) : IProgress<TrainingProgress>
{
    private int _interval;
    private string? _unprintedBest;

    /// <summary>
    /// Every how many epochs a run of <paramref name="epochs"/> prints a line: about one line per five epochs, at least 10
    /// and at most 25 lines (plus the first and the last), so every epoch of a run of up to 10, every third of 30.
    /// </summary>
    public static int Interval(int epochs) => Math.Max(1, (int)Math.Ceiling(epochs / (double)Math.Clamp(epochs / 5, 10, 25)));

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        if (value.Completed is not { } m) return;
        bool first = _interval == 0;
        // A resumed run counts only the epochs it still has to train.
        if (first) _interval = Interval(value.Epochs - value.Epoch + 1);
        var line = $"{TrainingProgressView.Describe(value, m)} [{value.Epoch}/{value.Epochs}]";
        bool print = first || m.Epoch == value.Epochs || value.StoppedEarly || m.Epoch % _interval == 0;
        if (print) lines.WriteLine(line);
        if (value.BestEpoch == m.Epoch) _unprintedBest = print ? null : line;
        if (!value.StoppedEarly) return;
        lines.WriteLine(TrainingProgressView.EarlyStop(value));
        // The kept weights are the best epoch's, so the log shows its figures even when sampling skipped its line.
        if (_unprintedBest is { } best) lines.WriteLine(best);
    }
}
