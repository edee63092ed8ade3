using VaeOnnx.Inference;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// The condition of every input row of a conditional pair, from the command line: one value for all rows
/// (<c>--condition Sneaker</c>), the CSV input's column of the condition's name (values by name), or an IDX label file
/// (<c>--labels</c>, class indices).
/// </summary>
public static class ConditionRows
{
    /// <summary>One-hot rows [rows][K] for <paramref name="model"/>, or null for an unconditional pair (which refuses a condition).</summary>
    /// <param name="model">The pair.</param>
    /// <param name="inputPath">The rows' file (a CSV may hold the condition column).</param>
    /// <param name="rows">Rows read from it.</param>
    /// <param name="value">--condition, or null.</param>
    /// <param name="labelsPath">--labels, or null.</param>
    public static float[][]? Read(VaeModel model, string inputPath, int rows, string? value, string? labelsPath)
    {
        if (model.Condition is not { } condition)
        {
            if (value is not null || labelsPath is not null)
                throw new Commands.CommandUsageException("--condition/--labels: the model has no condition.");
            return null;
        }
        if (value is not null && labelsPath is not null) throw new Commands.CommandUsageException("give --condition or --labels, not both.");
        int[] classes;
        if (value is not null)
        {
            int index = Index(condition, value, "--condition");
            classes = Enumerable.Repeat(index, rows).ToArray();
        }
        else if (labelsPath is not null)
        {
            classes = IdxReader.ReadLabels(labelsPath);
            int bad = Array.FindIndex(classes, c => c < 0 || c >= condition.Dim);
            if (bad >= 0) throw new DataFormatException(labelsPath, $"label {bad + 1} is {classes[bad]}; the model's condition '{condition.Column}' has classes 0 to {condition.Dim - 1}");
        }
        else if (inputPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var table = CsvTableReader.Read(inputPath, new CsvReadOptions { LabelColumn = condition.Column, FeatureColumns = model.FeatureNames });
            classes = table.Data.Labels!.Select(l => Index(condition, table.ClassNames![l], $"{inputPath}: column '{condition.Column}'")).ToArray();
        }
        else
        {
            throw new Commands.CommandUsageException($"the model is conditional on '{condition.Column}': give --condition VALUE (one of {string.Join(", ", condition.Classes)}) or --labels FILE (an IDX label file).");
        }
        if (classes.Length != rows) throw new DataFormatException(labelsPath ?? inputPath, $"{classes.Length} conditions for {rows} rows; expected one per row");
        return classes.Select(condition.OneHot).ToArray();
    }

    private static int Index(ConditionSpec condition, string value, string where)
    {
        try
        {
            return condition.IndexOf(value);
        }
        catch (ArgumentException e)
        {
            throw new Commands.CommandUsageException($"{where}: {e.Message}");
        }
    }
}
