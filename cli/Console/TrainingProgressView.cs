using System.Globalization;
using Spectre.Console;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Console;

/// <summary>
/// Shows training progress: a live bar (epoch, step, loss, samples/s, ETA) on an interactive terminal,
/// plain lines (one per epoch) when output is redirected or JSON is requested, so logs stay readable.
/// </summary>
public static class TrainingProgressView
{
    /// <summary>True when a live bar can be drawn: stdout and stderr are a terminal.</summary>
    public static bool CanDrawLive => !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a progress sink; lines go to <paramref name="lines"/> when no live bar is drawn.</summary>
    public static T Run<T>(bool live, TextWriter lines, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!live) return work(new LineProgress(lines));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: 1.0);
                result = work(new BarProgress(task));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>One line per finished epoch.</summary>
    public static string Describe(EpochMetrics m)
    {
        var validation = m.ValidationNegElbo is double v ? FormattableString.Invariant($", validation -ELBO {v:F2}") : "";
        return FormattableString.Invariant(
            $"epoch {m.Epoch}: train -ELBO {m.TrainNegElbo:F2} (recon {m.TrainRecon:F2} + KL {m.TrainKl:F2}), test -ELBO {m.TestNegElbo:F2} (recon {m.TestRecon:F2} + KL {m.TestKl:F2}){validation}, {m.SamplesPerSecond:F0} samples/s, {m.TrainSeconds:F1} s");
    }

    // Reports arrive on the training thread; both sinks are cheap and thread-agnostic, so no SynchronizationContext is involved.
    private sealed class LineProgress(TextWriter lines) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Completed is { } m) lines.WriteLine($"{Describe(m)} [{value.Epoch}/{value.Epochs}]");
        }
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            task.Value = ((p.Epoch - 1) + (double)p.Step / p.StepsPerEpoch) / p.Epochs;
            task.Description = string.Create(CultureInfo.InvariantCulture,
                $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F2} {p.SamplesPerSecond:F0}/s ETA {p.Eta:mm\\:ss}");
            if (p.Completed is { } m) AnsiConsole.MarkupLine(Markup.Escape(Describe(m)));
        }
    }
}
