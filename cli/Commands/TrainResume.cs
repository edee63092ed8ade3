using System.CommandLine;
using System.Globalization;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// What <c>vae train --resume</c> takes from the checkpoint rather than the command line: the architecture, likelihood,
/// optimiser settings, feature scaling and data split. An option given on the command line that contradicts the checkpoint
/// is a usage error, because the run would otherwise continue with settings the user did not ask for.
/// </summary>
public static class TrainResume
{
    /// <summary>
    /// Refuses <paramref name="option"/> when it was given on the command line with a value other than the checkpoint's.
    /// </summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="option">The option to check.</param>
    /// <param name="checkpointValue">The checkpoint's value, as the option would spell it.</param>
    /// <param name="folder">The checkpoint folder, named in the message.</param>
    /// <param name="given">The option's value as the checkpoint would store it (e.g. parsed layer sizes).</param>
    public static void Refuse<T>(ParseResult parse, Option<T> option, string? checkpointValue, string folder, Func<T?, string?>? given = null)
    {
        if (parse.GetResult(option) is not { Implicit: false }) return;
        var value = parse.GetValue(option);
        var text = given is not null ? given(value) : Format(value);
        if (text == checkpointValue) return;
        throw new CommandUsageException(
            $"{option.Name} {text ?? "(none)"} contradicts the checkpoint in {folder}, which has {checkpointValue ?? "none"}; leave {option.Name} out when resuming, or train a new run in another --out folder.");
    }

    /// <summary>Formats a value as the command line spells it (invariant culture, null as null).</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        int[] sizes => string.Join(",", sizes),
        Enum e => EnumText.Of(e),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>
    /// The checkpoint's data split, read from <paramref name="path"/> (where the data is now) with the checkpoint's data
    /// options, so that the resumed run sees exactly the rows the first run did.
    /// </summary>
    public static TrainingData LoadData(CheckpointInfo info, string path)
    {
        var d = info.Dataset;
        var source = new DataSourceOptions
        {
            Path = path, Query = d.Query, LabelColumn = d.LabelColumn, ConditionColumn = info.Table is null ? null : info.Architecture.Condition?.Column, FeatureColumns = d.Format == DatasetFormat.Csv && info.Table is null ? d.FeatureNames : null,
            Table = info.Table is null ? null : TableOptions.Reproducing(info.Table),
            ValidationFraction = d.ValidationFraction, TestFraction = d.TestFraction,
            MaxTrainRows = d.MaxTrainRows, MaxTestRows = d.MaxTestRows, Seed = d.SplitSeed,
            ShuffleBufferRows = d.ShuffleBufferRows ?? TableDataLoader.DefaultShuffleBufferRows,
        };
        var data = TrainingDataLoader.Load(source, info.Architecture.Likelihood);
        if (data.Train.FeatureCount != info.Architecture.InputDim)
            throw new DataFormatException(path, $"rows have {data.Train.FeatureCount} features; the checkpoint's model takes {info.Architecture.InputDim}");
        // Scaling refitted on the same rows gives the checkpoint's scaling bit for bit; anything else is other data,
        // which the trainer refuses with the field that differs.
        return data;
    }
}
