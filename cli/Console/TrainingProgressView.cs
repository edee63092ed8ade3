using System.Globalization;
using Spectre.Console;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Console;

/// <summary>
/// Shows training progress: on an interactive terminal, a bar through each epoch (rows/s, time left in the epoch and the
/// run) under one summary line per finished epoch; when output is redirected or JSON is requested, the sampled lines of
/// <see cref="EpochLines"/>, so that logs stay readable.
/// </summary>
public static class TrainingProgressView
{
    /// <summary>True when a live bar can be drawn: stdout and stderr are a terminal.</summary>
    public static bool CanDrawLive => !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a progress sink; lines go to <paramref name="lines"/> when no live bar is drawn.</summary>
    public static T Run<T>(bool live, TextWriter lines, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!live) return work(new EpochLines(lines));
        T result = default!;
        var figures = new TextColumn();
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), figures, new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: 1.0);
                result = work(new BarProgress(task, figures));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>One line per finished epoch; with early stopping, the best validation epoch so far.</summary>
    public static string Describe(TrainingProgress p, EpochMetrics m)
    {
        var validation = m.ValidationNegElbo is double v ? FormattableString.Invariant($", validation -ELBO {v:F2}") : "";
        var best = p.BestEpoch is int b ? FormattableString.Invariant($" (best epoch {b})") : "";
        return FormattableString.Invariant(
            $"epoch {m.Epoch}: train -ELBO {m.TrainNegElbo:F2} (recon {m.TrainRecon:F2} + KL {m.TrainKl:F2}), test -ELBO {m.TestNegElbo:F2} (recon {m.TestRecon:F2} + KL {m.TestKl:F2}){validation}{best}, {m.SamplesPerSecond:F0} samples/s, {m.TrainSeconds:F1} s");
    }

    /// <summary>The line that says the run stopped early, and whose weights it keeps.</summary>
    public static string EarlyStop(TrainingProgress p) => FormattableString.Invariant(
        $"early stopping after epoch {p.Epoch}: validation -ELBO has not improved since epoch {p.BestEpoch}, whose weights are kept");

    /// <summary>A time span as h:mm:ss, or m:ss under an hour.</summary>
    public static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t:mm\\:ss}")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}:{t:ss}");

    // Reports arrive on the training thread; Spectre's render thread only reads the task and the column's text.
    private sealed class BarProgress(ProgressTask task, TextColumn figures) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            task.Value = (double)p.Step / p.StepsPerEpoch;
            task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}");
            figures.Text = string.Create(CultureInfo.InvariantCulture,
                $"loss {p.Loss:F2}  {p.SamplesPerSecond:N0} rows/s  epoch {Clock(p.EpochEta)} left  run {Clock(p.Eta)} left");
            if (p.Completed is not { } m) return;
            AnsiConsole.MarkupLine(Markup.Escape(Describe(p, m)));
            if (p.StoppedEarly) AnsiConsole.MarkupLine(Markup.Escape(EarlyStop(p)));
        }
    }
}
