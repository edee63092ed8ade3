using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Sources;
using VaeOnnx.Tables;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// A business table (CSV with text, numbers, flags and blank cells) as the splits of a table model: the rows are split as
/// every CSV is (the same seeds, so a resumed or re-evaluated run gets the same rows), the column schema is inferred
/// (<see cref="ColumnTypeInference"/>: kinds from the whole file, statistics from the training rows), and every split is
/// featurised with it.
/// </summary>
public static class TableDataLoader
{
    /// <summary>Fewest data rows a table model trains on: a table of one row has nothing to learn from and nothing to hold out.</summary>
    public const int MinRows = 10;

    /// <summary>Reads, splits and featurises a table from any <see cref="TableSource"/> (a CSV or Parquet file, a database query).</summary>
    public static TrainingData Load(DataSourceOptions source)
    {
        var table = TableSource.Parse(source.Path, source.Query);
        return Load(ReadTable(table), source, table.Name, table.Text);
    }

    /// <summary>
    /// Splits and featurises rows held in memory (an ML.NET data view's, through <c>VaeTableData.FromDataView</c> in
    /// VaeOnnx.Inference) without writing them anywhere: <paramref name="source"/>'s <see cref="DataSourceOptions.Path"/> is
    /// not read, and the checkpoint names <paramref name="rows"/>' source, which no file holds. So the caller keeps the rows:
    /// <see cref="HeldOutRows(RawTable, DatasetDescription)"/> gives the ones that calibrate the threshold at export.
    /// </summary>
    public static TrainingData LoadInMemory(RawTable rows, DataSourceOptions source)
    {
        if (rows.Rows.Count < MinRows)
            throw new DataFormatException(rows.Source, $"{rows.Rows.Count} row{(rows.Rows.Count == 1 ? "" : "s")}; a table model needs at least {MinRows} rows to train on and hold out");
        return Load(rows, source, rows.Source, rows.Source);
    }

    private static TrainingData Load(RawTable table, DataSourceOptions source, string name, string origin)
    {
        var (train, validation, test) = SplitRows(table.Rows.Count, source.TestFraction, source.ValidationFraction, source.Seed,
            source.MaxTrainRows, source.MaxTestRows, table.Source);
        var label = source.LabelColumn;
        if (source.ConditionColumn is { } conditionColumn)
        {
            // The condition is taken out of the features as the label column is (reports use it as the label too).
            if (label is not null && label != conditionColumn)
                throw new DataFormatException(table.Source, $"the condition column '{conditionColumn}' and the label column '{label}' differ; a table model's condition is also its label column (leave --label-column out)");
            label = conditionColumn;
        }
        var options = (source.Table ?? new TableReadOptions()) with { LabelColumn = label };
        var condition = source.ConditionColumn is { } c ? TableCondition.Fit(table, c, train) : null;
        var schema = ColumnTypeInference.Infer(table, train, options);
        var classes = condition?.Classes ?? ClassNames(table, schema);
        var description = new DatasetDescription
        {
            Name = name, Source = origin, Query = source.Query, Format = DatasetFormat.Csv,
            FeatureNames = schema.FeatureNames(), LabelColumn = schema.LabelColumn, ClassNames = classes, TestFraction = source.TestFraction,
            ValidationFraction = source.ValidationFraction, SplitSeed = source.Seed, MaxTrainRows = source.MaxTrainRows, MaxTestRows = source.MaxTestRows,
            TrainRows = train.Length, ValidationRows = validation.Length, TestRows = test.Length,
        };
        VaeDataset Split(int[] rows, string? name) => Featurize(table.Select(rows, name is null ? null : $"{table.Source} ({name})"), schema, classes);
        return new TrainingData(Split(train, null), validation.Length > 0 ? Split(validation, "validation") : null, Split(test, "test"),
            FeatureScaling.Identity(schema.FeatureCount), description, schema) { Condition = condition };
    }

    /// <summary>
    /// Reads, splits and featurises rows held in memory, e.g. an ML.NET data view's (<c>VaeTableData.FromDataView</c> in
    /// VaeOnnx.Inference): they are first written to <paramref name="source"/>'s <see cref="DataSourceOptions.Path"/> as a
    /// CSV file, which the checkpoint then names as its data, so that the export calibrates the anomaly threshold on its
    /// held-out rows and <c>--resume</c> and <c>vae eval</c> read the same rows again; then they load as that file would.
    /// </summary>
    public static TrainingData Load(RawTable rows, DataSourceOptions source)
    {
        RawTableWriter.Write(rows, source.Path);
        return Load(source);
    }

    /// <summary>The featurised test split of the table a checkpoint was trained on.</summary>
    public static VaeDataset LoadTest(CheckpointInfo info, string? path)
    {
        var (table, _, _, test) = Splits(info, path);
        return Featurize(table.Select(test, $"{table.Source} (test)"), info.Table!, info.Dataset.ClassNames);
    }

    /// <summary>The raw rows a checkpoint's training never saw (its validation and test splits): calibration and parity rows.</summary>
    public static RawTable HeldOutRows(CheckpointInfo info, string? path) => HeldOutRows(ReadTable(path ?? info.Dataset.Source, info.Dataset.Query), info.Dataset);

    /// <summary>The rows of <paramref name="table"/> that a run described by <paramref name="dataset"/> never trained on.</summary>
    public static RawTable HeldOutRows(RawTable table, DatasetDescription dataset)
    {
        var (_, validation, test) = SplitRows(table.Rows.Count, dataset.TestFraction, dataset.ValidationFraction, dataset.SplitSeed,
            dataset.MaxTrainRows, dataset.MaxTestRows, table.Source);
        return table.Select([.. validation, .. test], $"{table.Source} (held out)");
    }

    /// <summary>The rows of <paramref name="path"/> (a CSV path or any <see cref="TableSource"/>, with the <paramref name="query"/> of a database) as text.</summary>
    public static RawTable ReadTable(string path, string? query = null) => ReadTable(TableSource.Parse(path, query));

    /// <summary>The source's rows as text; fewer than <see cref="MinRows"/> rows are refused.</summary>
    public static RawTable ReadTable(TableSource source)
    {
        if (source.Kind == TableSourceKind.Csv && !File.Exists(source.Location))
            throw new FileNotFoundException($"{source.Location}: no such CSV file; expected a table with a header row", source.Location);
        var table = source.Read();
        if (table.Rows.Count < MinRows)
            throw new DataFormatException(table.Source, $"{table.Rows.Count} data row{(table.Rows.Count == 1 ? "" : "s")}; a table model needs at least {MinRows} rows to train on and hold out");
        return table;
    }

    /// <summary>Training, validation and test row indices, each in file order.</summary>
    public static (int[] Train, int[] Validation, int[] Test) SplitRows(int rows, double testFraction, double validationFraction, long seed,
        int? maxTrain, int? maxTest, string source)
    {
        var (kept, test) = Split(Enumerable.Range(0, rows).ToArray(), testFraction, seed, source, "test");
        var (train, validation) = Split(kept, validationFraction, seed ^ 0x5A17, source, "validation");
        if (maxTrain is int a) train = train.Take(a).ToArray();
        if (maxTest is int b) test = test.Take(b).ToArray();
        return (train, validation, test);
    }

    private static (int[] Kept, int[] HeldOut) Split(int[] rows, double fraction, long seed, string source, string name)
    {
        if (fraction <= 0) return (rows, []);
        int heldOut = (int)Math.Round(fraction * rows.Length);
        if (heldOut == 0 || heldOut == rows.Length)
            throw new ArgumentException($"{source}: {rows.Length} rows are too few to hold out {fraction:P0} for {name}.");
        var order = DatasetSplitter.Permutation(rows.Length, seed);
        return (order[heldOut..].Order().Select(i => rows[i]).ToArray(), order[..heldOut].Order().Select(i => rows[i]).ToArray());
    }

    private static (RawTable Table, int[] Train, int[] Validation, int[] Test) Splits(CheckpointInfo info, string? path)
    {
        var d = info.Dataset;
        var table = ReadTable(path ?? d.Source, d.Query);
        var (train, validation, test) = SplitRows(table.Rows.Count, d.TestFraction, d.ValidationFraction, d.SplitSeed, d.MaxTrainRows, d.MaxTestRows, table.Source);
        return (table, train, validation, test);
    }

    private static IReadOnlyList<string>? ClassNames(RawTable table, TableSchema schema)
    {
        if (schema.LabelColumn is null) return null;
        int index = table.IndexOf(schema.LabelColumn);
        return table.Rows.Select(r => r[index]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static VaeDataset Featurize(RawTable rows, TableSchema schema, IReadOnlyList<string>? classes)
    {
        var features = new TableFeaturizer(schema).Featurize(rows);
        int[]? labels = null;
        if (schema.LabelColumn is { } label && classes is not null)
        {
            int index = rows.IndexOf(label);
            var code = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
            labels = rows.Rows.Select((r, i) => code.TryGetValue(r[index], out int c) ? c
                : throw new DataFormatException(rows.Source, $"line {rows.Lines[i]}, column '{label}': class '{r[index]}' is not one of the model's classes ({string.Join(", ", classes)})")).ToArray();
        }
        return new VaeDataset(rows.Source, features.Features, features.Rows, schema.FeatureCount, labels, null, schema.FeatureNames());
    }
}
