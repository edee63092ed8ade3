using Microsoft.ML.Runtime;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Trainers;

/// <summary>
/// Training progress as ML.NET log messages (<c>MLContext.Log</c>, source <c>VaeAnomalyTrainer; Fit</c>): one Info line per
/// epoch with the loss and the time left, the step reports as Trace lines; every report is passed on to the caller's
/// <see cref="IProgress{T}"/> too. Reports arrive on the training thread and are written there, so a log handler sees
/// them in order while the fit runs.
/// </summary>
internal sealed class TrainingLog(IChannel? channel, IProgress<TrainingProgress>? progress) : IProgress<TrainingProgress>
{
    /// <summary>The line written for <paramref name="report"/>.</summary>
    public static string Line(TrainingProgress report) => report.Completed is { } done
        ? FormattableString.Invariant($"epoch {report.Epoch}/{report.Epochs}: loss {report.Loss:F4}, held-out loss {done.TestNegElbo:F4}, {report.Eta.TotalSeconds:F0} s left")
        : FormattableString.Invariant($"epoch {report.Epoch}/{report.Epochs}, step {report.Step}/{report.StepsPerEpoch}: loss {report.Loss:F4}, {report.Eta.TotalSeconds:F0} s left");

    /// <summary>Writes a line that is not a progress report (the stages of the fit).</summary>
    public void Info(string message) => channel?.Info(MessageSensitivity.None, message);

    public void Report(TrainingProgress value)
    {
        if (value.Completed is not null) channel?.Info(MessageSensitivity.None, Line(value));
        else channel?.Trace(MessageSensitivity.None, Line(value));
        progress?.Report(value);
    }
}
