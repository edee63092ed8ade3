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
/// featurised with it. A table of more rows than the shuffle buffer holds (<see cref="DataSourceOptions.ShuffleBufferRows"/>)
/// is not held: its schema is inferred from a sample of <see cref="SchemaSampleRows"/> rows, its held-out rows are kept
/// featurised, and its training rows stream from the source every epoch (<see cref="TableTrainingStream"/>).
/// </summary>
public static class TableDataLoader
{
    /// <summary>Fewest data rows a table model trains on: a table of one row has nothing to learn from and nothing to hold out.</summary>
    public const int MinRows = 10;

    /// <summary>
    /// Rows the shuffle buffer holds unless told otherwise: a table of no more rows is held whole and shuffled fully every
    /// epoch, as before streaming; 250,000 rows of a dozen text cells are a few hundred MB while they are read.
    /// </summary>
    public const int DefaultShuffleBufferRows = 250_000;

    /// <summary>
    /// Rows of a streamed table that its column schema is inferred from: a uniform sample, so kinds, categories, ranges,
    /// means and blank rates follow the whole table, not its first rows; a category first met outside the sample counts as
    /// an unseen one, and a date's range is the sample's, within the training range.
    /// </summary>
    public const int SchemaSampleRows = 100_000;

    /// <summary>
    /// Reads, splits and featurises a table from any <see cref="TableSource"/> (a CSV or Parquet file, a database query);
    /// one larger than the shuffle buffer streams.
    /// </summary>
    public static TrainingData Load(DataSourceOptions source)
    {
        var table = TableSource.Parse(source.Path, source.Query);
        CheckExists(table);
        var scan = TableScan.Read(table, source.ShuffleBufferRows, SchemaSampleRows, source.Seed);
        if (scan.Whole is { } whole) return Load(CheckRows(whole), source, table.Name, table.Text);
        return LoadStreaming(table, scan, source);
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
        var fit = Fit(table, train, source);
        var description = Describe(source, name, origin, fit, train.Length, validation.Length, test.Length);
        VaeDataset Split(int[] rows, string? name) => Featurize(table.Select(rows, name is null ? null : $"{table.Source} ({name})"), fit.Schema, fit.Classes);
        return new TrainingData(Split(train, null), validation.Length > 0 ? Split(validation, "validation") : null, Split(test, "test"),
            FeatureScaling.Identity(fit.Schema.FeatureCount), description, fit.Schema) { Condition = fit.Condition };
    }

    /// <summary>
    /// A table larger than the shuffle buffer: the schema from the scan's sample (its statistics from the sample's training
    /// rows, its training row count the table's), the held-out rows read once more and kept featurised, the training rows
    /// streamed every epoch. <see cref="TrainingData.Train"/> holds the sample's training rows, for what needs training
    /// rows at hand (the latent mixture at export).
    /// </summary>
    private static TrainingData LoadStreaming(TableSource table, TableScan scan, DataSourceOptions source)
    {
        var (train, validation, test) = SplitRows(scan.Rows, source.TestFraction, source.ValidationFraction, source.Seed,
            source.MaxTrainRows, source.MaxTestRows, table.Location);
        var roles = new TableSplitRole[scan.Rows];
        foreach (int r in train) roles[r] = TableSplitRole.Train;
        foreach (int r in validation) roles[r] = TableSplitRole.Validation;
        foreach (int r in test) roles[r] = TableSplitRole.Test;
        var sampleTrain = Enumerable.Range(0, scan.SampleRows.Length).Where(i => roles[scan.SampleRows[i]] == TableSplitRole.Train).ToArray();
        var fit = Fit(scan.Sample, sampleTrain, source);
        fit = fit with { Schema = fit.Schema with { TrainingRows = train.Length } };
        var description = Describe(source, table.Name, table.Text, fit, train.Length, validation.Length, test.Length);
        VaeDataset Featurized(RawTable rows) => Featurize(rows, fit.Schema, fit.Classes);
        var (validationRows, testRows) = HeldOutSplits(table, roles, Featurized);
        var sample = Featurized(scan.Sample.Select(sampleTrain, $"{table.Location} (training sample)"));
        return new TrainingData(sample, validation.Length > 0 ? validationRows : null, testRows, FeatureScaling.Identity(fit.Schema.FeatureCount), description, fit.Schema)
        {
            Condition = fit.Condition, TrainStream = new TableTrainingStream(table, roles, Featurized, source.ShuffleBufferRows),
        };
    }

    /// <summary>The validation and test rows of a streamed table, featurised block by block as they are read.</summary>
    private static (VaeDataset Validation, VaeDataset Test) HeldOutSplits(TableSource table, TableSplitRole[] roles, Func<RawTable, VaeDataset> featurize)
    {
        var (validation, test) = (new FeatureRows(), new FeatureRows());
        int position = 0;
        foreach (var block in table.ReadBlocks(TableScan.BlockRows))
        {
            var (v, t) = (new List<int>(), new List<int>());
            for (int i = 0; i < block.Rows.Count && position < roles.Length; i++, position++)
                (roles[position] == TableSplitRole.Validation ? v : roles[position] == TableSplitRole.Test ? t : null)?.Add(i);
            if (v.Count > 0) validation.Add(featurize(block.Select(v)));
            if (t.Count > 0) test.Add(featurize(block.Select(t)));
        }
        return (validation.ToDataset($"{table.Location} (validation)"), test.ToDataset($"{table.Location} (test)"));
    }

    /// <summary>The condition, schema and classes fitted on <paramref name="table"/>'s rows at <paramref name="train"/>.</summary>
    private static TableFit Fit(RawTable table, int[] train, DataSourceOptions source)
    {
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
        return new TableFit(schema, condition, condition?.Classes ?? ClassNames(table, schema));
    }

    private static DatasetDescription Describe(DataSourceOptions source, string name, string origin, TableFit fit, int train, int validation, int test) => new()
    {
        Name = name, Source = origin, Query = source.Query, Format = DatasetFormat.Csv,
        FeatureNames = fit.Schema.FeatureNames(), LabelColumn = fit.Schema.LabelColumn, ClassNames = fit.Classes, TestFraction = source.TestFraction,
        ValidationFraction = source.ValidationFraction, SplitSeed = source.Seed, MaxTrainRows = source.MaxTrainRows, MaxTestRows = source.MaxTestRows,
        TrainRows = train, ValidationRows = validation, TestRows = test, ShuffleBufferRows = source.ShuffleBufferRows,
    };

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

    /// <summary>The featurised test split of the table a checkpoint was trained on (read as a stream: only its rows are held).</summary>
    public static VaeDataset LoadTest(CheckpointInfo info, string? path)
    {
        var (source, _, test) = HeldOutPositions(info, path);
        return Featurize(ReadRows(source, test, "test"), info.Table!, info.Dataset.ClassNames);
    }

    /// <summary>
    /// The raw rows a checkpoint's training never saw (its validation and test splits): calibration and parity rows. The
    /// source is read twice as a stream, to count its rows and to keep these, so a table larger than memory exports.
    /// </summary>
    public static RawTable HeldOutRows(CheckpointInfo info, string? path)
    {
        var (source, validation, test) = HeldOutPositions(info, path);
        return ReadRows(source, [.. validation, .. test], "held out");
    }

    private static (TableSource Source, int[] Validation, int[] Test) HeldOutPositions(CheckpointInfo info, string? path)
    {
        var d = info.Dataset;
        var source = TableSource.Parse(path ?? d.Source, d.Query);
        CheckExists(source);
        int count = 0;
        string name = source.Location;
        foreach (var block in source.ReadBlocks(TableScan.BlockRows)) (count, name) = (count + block.Rows.Count, block.Source);
        if (count < MinRows)
            throw new DataFormatException(name, $"{count} data row{(count == 1 ? "" : "s")}; a table model needs at least {MinRows} rows to train on and hold out");
        var (_, validation, test) = SplitRows(count, d.TestFraction, d.ValidationFraction, d.SplitSeed, d.MaxTrainRows, d.MaxTestRows, name);
        return (source, validation, test);
    }

    /// <summary>The source's rows at <paramref name="positions"/> (0-based data rows), in that order, read block by block; <paramref name="part"/> names them.</summary>
    private static RawTable ReadRows(TableSource source, int[] positions, string part)
    {
        var slot = new Dictionary<int, int>(positions.Length);
        for (int i = 0; i < positions.Length; i++) slot[positions[i]] = i;
        var (cells, lines) = (new string[positions.Length][], new int[positions.Length]);
        RawTable? first = null;
        int position = 0;
        foreach (var block in source.ReadBlocks(TableScan.BlockRows))
        {
            first ??= block;
            for (int i = 0; i < block.Rows.Count; i++, position++)
                if (slot.TryGetValue(position, out int at)) (cells[at], lines[at]) = (block.Rows[i], block.Lines[i]);
        }
        if (position < positions.Max() + 1)
            throw new DataFormatException(first!.Source, $"{position:N0} data rows now, fewer than when it was counted; read the table when nothing writes to it");
        return new RawTable($"{first!.Source} ({part})", first.Header, cells, lines);
    }

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
        CheckExists(source);
        return CheckRows(source.Read());
    }

    private static void CheckExists(TableSource source)
    {
        if (source.Kind == TableSourceKind.Csv && !File.Exists(source.Location))
            throw new FileNotFoundException($"{source.Location}: no such CSV file; expected a table with a header row", source.Location);
    }

    private static RawTable CheckRows(RawTable table) => table.Rows.Count >= MinRows ? table
        : throw new DataFormatException(table.Source, $"{table.Rows.Count} data row{(table.Rows.Count == 1 ? "" : "s")}; a table model needs at least {MinRows} rows to train on and hold out");

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
