using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// Refuses to resume a checkpoint on data other than the data it was trained on. The weights only make sense in the
/// checkpoint's scaled space, and a resumed epoch replays the checkpoint's shuffle over its row count: the scaling and the
/// dataset description (except where the data lives now, which may change) must be the checkpoint's exactly.
/// </summary>
internal static class ResumeCheck
{
    /// <summary>Throws <see cref="CheckpointFormatException"/> naming the first field that differs and the checkpoint's value.</summary>
    public static void SameData(string infoPath, CheckpointInfo checkpoint, TrainingData data)
    {
        void Differs(string field, string inCheckpoint, string inData) =>
            throw new CheckpointFormatException(infoPath,
                $"--resume with different data: field '{field}' is {inCheckpoint} in the checkpoint but {inData} for the data given; resume with the data and the data options (likelihood, splits, row limits) the checkpoint was trained with");
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string List<T>(IEnumerable<T>? values) => values is null ? "null" : "[" + string.Join(",", values) + "]";

        var (a, b) = (checkpoint.Scaling, data.Scaling);
        if (a.Kind != b.Kind) Differs("scaling.kind", $"'{EnumText.Of(a.Kind)}'", $"'{EnumText.Of(b.Kind)}'");
        if (a.Offset.Length != b.Offset.Length) Differs("scaling.offset", $"{a.Offset.Length} values", $"{b.Offset.Length}");
        for (int j = 0; j < a.Offset.Length; j++)
        {
            // Bit equality: the same rows fit the same floats, and JSON round-trips them exactly.
            if (a.Offset[j] != b.Offset[j]) Differs($"scaling.offset[{j}]", F(a.Offset[j]), F(b.Offset[j]));
            if (a.Scale[j] != b.Scale[j]) Differs($"scaling.scale[{j}]", F(a.Scale[j]), F(b.Scale[j]));
        }

        var (tableBefore, tableNow) = (checkpoint.Table?.ToJson(), data.Table?.ToJson());
        if (tableBefore != tableNow) Differs("table", tableBefore is null ? "absent" : "a column schema", tableNow is null ? "absent" : "a different column schema (kinds, categories, scaling or missing rates)");
        var (c, d) = (checkpoint.Dataset, data.Dataset);
        if (c.Name != d.Name) Differs("dataset.name", $"'{c.Name}'", $"'{d.Name}'");
        if (c.Format != d.Format) Differs("dataset.format", $"'{c.Format}'", $"'{d.Format}'");
        if (c.TrainRows != d.TrainRows) Differs("dataset.train_rows", $"{c.TrainRows}", $"{d.TrainRows}");
        if (c.ValidationRows != d.ValidationRows) Differs("dataset.validation_rows", $"{c.ValidationRows}", $"{d.ValidationRows}");
        if (c.TestRows != d.TestRows) Differs("dataset.test_rows", $"{c.TestRows}", $"{d.TestRows}");
        if (!SameList(c.FeatureNames, d.FeatureNames)) Differs("dataset.feature_names", List(c.FeatureNames), List(d.FeatureNames));
        if (c.LabelColumn != d.LabelColumn) Differs("dataset.label_column", c.LabelColumn ?? "null", d.LabelColumn ?? "null");
        if (c.ValidationFraction != d.ValidationFraction) Differs("dataset.validation_fraction", F(c.ValidationFraction), F(d.ValidationFraction));
        if (c.TestFraction != d.TestFraction) Differs("dataset.test_fraction", F(c.TestFraction), F(d.TestFraction));
        if (c.SplitSeed != d.SplitSeed) Differs("dataset.split_seed", $"{c.SplitSeed}", $"{d.SplitSeed}");
        if (c.MaxTrainRows != d.MaxTrainRows) Differs("dataset.max_train_rows", $"{c.MaxTrainRows?.ToString() ?? "null"}", $"{d.MaxTrainRows?.ToString() ?? "null"}");
        if (c.MaxTestRows != d.MaxTestRows) Differs("dataset.max_test_rows", $"{c.MaxTestRows?.ToString() ?? "null"}", $"{d.MaxTestRows?.ToString() ?? "null"}");
        if (!SameList(c.ImageShape, d.ImageShape)) Differs("dataset.image_shape", List(c.ImageShape), List(d.ImageShape));
        if (!SameList(c.ClassNames, d.ClassNames)) Differs("dataset.class_names", List(c.ClassNames), List(d.ClassNames));
    }

    private static bool SameList<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);
}
