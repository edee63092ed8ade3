using System.Globalization;
using System.Text;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// The <c>vae train</c> command line that reproduces a checkpoint, recorded in the exported <c>model.json</c>. It lives
/// here because only the command line knows its flags; the exporter receives it as text.
/// </summary>
public static class TrainingCommandLine
{
    /// <summary>Every setting that changes the trained weights, so that the command reproduces the pair on the same data.</summary>
    public static string Format(CheckpointInfo info)
    {
        var (a, t, d) = (info.Architecture, info.Training, info.Dataset);
        var c = CultureInfo.InvariantCulture;
        var command = new StringBuilder(string.Create(c,
            $"vae train --data {ShellWord(d.Source)} --arch {EnumText.Of(a.Kind)} --hidden {string.Join(",", a.Hidden)} --latent {a.LatentDim} --activation {EnumText.Of(a.Activation)} --likelihood {EnumText.Of(a.Likelihood)}"));
        if (a.Likelihood != Likelihood.Bernoulli) command.Append(c, $" --gaussian-variance {EnumText.Of(a.GaussianVariance)}");
        if (info.Table is { } table)
        {
            command.Append(c, $" --column-types {ShellWord(TableOptions.ColumnTypesText(table))}");
            if (TableOptions.DateFormat(table) is { } dateFormat) command.Append(c, $" --date-format {ShellWord(dateFormat)}");
            if (table.IgnoredColumns.Count > 0) command.Append(c, $" --ignore-columns {ShellWord(string.Join(",", table.IgnoredColumns))}");
            if (table.IdColumns.Count > 0) command.Append(c, $" --id-column {ShellWord(string.Join(",", table.IdColumns))}");
            if (table.BlankNormalColumns.Count > 0) command.Append(c, $" --blank-normal {ShellWord(string.Join(",", table.BlankNormalColumns))}");
            if (TableOptions.Encoding(table) == NumericEncoding.Modes) command.Append(c, $" --numeric-encoding {EnumText.Of(NumericEncoding.Modes)}");
        }
        if (a.HasFlow) command.Append(c, $" --posterior {EnumText.Of(a.Posterior)} --flow-steps {a.FlowSteps} --flow-hidden {a.FlowHidden}");
        if (a.Condition is { } condition) command.Append(c, $" --condition-column {ShellWord(condition.Column)}");
        if (t.Objective == TrainingObjective.Iwae) command.Append(c, $" --objective {EnumText.Of(t.Objective)} --iw-train-k {t.IwTrainSamples}");
        command.Append(c, $" --beta {t.Beta} --warmup {t.WarmupEpochs} --epochs {t.Epochs} --batch {t.BatchSize} --lr {t.LearningRate} --seed {t.Seed}");
        if (t.Threads > 0) command.Append(c, $" --threads {t.Threads}");
        if (t.Gemm != Training.Gemm.GemmBackend.LibTorch) command.Append(c, $" --gemm {EnumText.Of(t.Gemm)}");
        if (t.AdamUpdate != Training.Optim.AdamUpdate.PerTensor) command.Append(c, $" --adam-update {EnumText.Of(t.AdamUpdate)}");
        if (t.EarlyStoppingPatience > 0) command.Append(c, $" --patience {t.EarlyStoppingPatience}");
        if (d.ValidationFraction > 0) command.Append(c, $" --validation {d.ValidationFraction}");
        if (d.LabelColumn is { } label && label != a.Condition?.Column) command.Append(c, $" --label-column {ShellWord(label)}");
        if (d.MaxTrainRows is { } maxTrain) command.Append(c, $" --max-train-rows {maxTrain}");
        if (d.MaxTestRows is { } maxTest) command.Append(c, $" --max-test-rows {maxTest}");
        if (d.ShuffleBufferRows is { } buffer && buffer != Training.Trainer.TableDataLoader.DefaultShuffleBufferRows) command.Append(c, $" --shuffle-buffer {buffer}");
        return command.ToString();
    }

    /// <summary>A path or column name as one word of a POSIX shell command line (single-quoted when it needs to be).</summary>
    public static string ShellWord(string value) =>
        value.Length > 0 && value.All(ch => char.IsAsciiLetterOrDigit(ch) || "/._-+,:=@".Contains(ch)) ? value : "'" + value.Replace("'", "'\\''") + "'";
}
