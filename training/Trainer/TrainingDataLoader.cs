using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// Turns a data source (an MNIST-family IDX folder or a CSV file) into scaled train/validation/test splits.
/// Scaling follows the decoder: Bernoulli needs values in [0,1] (images already are; CSV columns are min-max scaled),
/// Gaussian works on standardised features. It is fitted on the training split only; min-max scaled values are clipped to
/// [0,1] in every split, since validation and test rows can fall outside the training range.
/// </summary>
public static class TrainingDataLoader
{
    /// <summary>Loads, splits and scales a data source for a decoder likelihood.</summary>
    public static TrainingData Load(DataSourceOptions source, Likelihood likelihood)
    {
        if (likelihood == Likelihood.Mixed) return TableDataLoader.Load(source);
        if (source.ConditionColumn is { } condition && !Directory.Exists(source.Path))
        {
            if (source.LabelColumn is { } label && label != condition)
                throw new ArgumentException($"{source.Path}: the condition column '{condition}' and the label column '{label}' differ; a CSV model's condition is read as its label column");
            source = source with { LabelColumn = condition };
        }
        var (train, test, description) = ReadSplits(source);
        VaeDataset? validation = null;
        if (source.ValidationFraction > 0)
            (train, validation) = DatasetSplitter.Split(train, source.ValidationFraction, source.Seed ^ 0x5A17, "validation");
        var kind = likelihood == Likelihood.Gaussian ? ScalingKind.Standardize : description.Format == DatasetFormat.Idx ? ScalingKind.None : ScalingKind.MinMax;
        var scaling = DatasetScaling.Fit(train, kind);
        bool clip = scaling.ClipsToUnitInterval(likelihood);
        description = description with { TrainRows = train.Rows, ValidationRows = validation?.Rows ?? 0, TestRows = test.Rows };
        return new TrainingData(scaling.Apply(train, clip), validation is null ? null : scaling.Apply(validation, clip), scaling.Apply(test, clip),
            scaling, description);
    }

    /// <summary>The name that makes the label file of an MNIST-family folder the condition of a conditional model.</summary>
    public const string IdxLabelColumn = "label";

    /// <summary>
    /// The condition of a conditional model trained on <paramref name="data"/>: the label file of an IDX folder
    /// (<paramref name="column"/> "label"; classes by name for Fashion-MNIST, else "0", "1", ...) or the categorical CSV
    /// column the data was read with as its label column (classes in order of first appearance).
    /// </summary>
    public static ConditionSpec Condition(TrainingData data, string column)
    {
        var d = data.Dataset;
        if (data.Condition is { } table)
            return table.Column == column ? table : throw new ArgumentException($"{d.Source}: the table was read with the condition column '{table.Column}', not '{column}'");
        if (d.Format == DatasetFormat.Idx && column != IdxLabelColumn)
            throw new ArgumentException($"{d.Source}: an IDX folder's condition is its label file, named '{IdxLabelColumn}'; '{column}' is not a column of it");
        if (d.Format == DatasetFormat.Csv && d.LabelColumn != column)
            throw new ArgumentException($"{d.Source}: the condition column '{column}' must be read as the label column (it is '{d.LabelColumn ?? "none"}')");
        var labels = data.Train.Labels ?? throw new ArgumentException($"{data.Train.Source}: the rows have no labels for condition '{column}'");
        int classes = labels.Length == 0 ? 0 : labels.Max() + 1;
        var names = d.ClassNames is { } known && known.Count >= classes ? known : Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new ConditionSpec { Column = column, Classes = names.ToArray() };
    }

    /// <summary>The test split of the data a checkpoint was trained on, scaled with the checkpoint's own scaling.</summary>
    /// <param name="info">The checkpoint.</param>
    /// <param name="path">Where the data is now; null for the source recorded in the checkpoint.</param>
    public static VaeDataset LoadTest(CheckpointInfo info, string? path)
    {
        if (info.Table is not null) return TableDataLoader.LoadTest(info, path);
        var d = info.Dataset;
        var source = new DataSourceOptions
        {
            Path = path ?? d.Source, LabelColumn = d.LabelColumn, FeatureColumns = d.FeatureNames, TestFraction = d.TestFraction,
            MaxTrainRows = d.MaxTrainRows, MaxTestRows = d.MaxTestRows, Seed = d.SplitSeed,
        };
        var (_, test, _) = ReadSplits(source);
        if (test.FeatureCount != info.Architecture.InputDim)
            throw new DataFormatException(test.Source, $"rows have {test.FeatureCount} features; the checkpoint's model expects {info.Architecture.InputDim}");
        return info.Scaling.Apply(test, info.Scaling.ClipsToUnitInterval(info.Architecture.Likelihood));
    }

    private static (VaeDataset Train, VaeDataset Test, DatasetDescription Description) ReadSplits(DataSourceOptions source)
    {
        VaeDataset train, test;
        DatasetDescription description;
        if (Directory.Exists(source.Path))
        {
            (train, test) = MnistFamilyFolder.Load(source.Path);
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source.Path)));
            description = new DatasetDescription
            {
                Name = name, Source = Path.GetFullPath(source.Path), Format = DatasetFormat.Idx, ImageShape = train.ImageShape,
                ClassNames = name.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? MnistFamilyFolder.FashionMnistClasses : null,
            };
        }
        else if (File.Exists(source.Path))
        {
            var table = CsvTableReader.Read(source.Path, new CsvReadOptions { LabelColumn = source.LabelColumn, FeatureColumns = source.FeatureColumns });
            (train, test) = DatasetSplitter.Split(table.Data, source.TestFraction, source.Seed, "test");
            description = new DatasetDescription
            {
                Name = Path.GetFileNameWithoutExtension(source.Path), Source = Path.GetFullPath(source.Path), Format = DatasetFormat.Csv,
                FeatureNames = table.Data.FeatureNames, LabelColumn = source.LabelColumn, ClassNames = table.ClassNames,
                TestFraction = source.TestFraction,
            };
        }
        else
        {
            throw new FileNotFoundException($"{source.Path}: no such data folder or CSV file; expected an MNIST-family IDX folder (train-/t10k- images and labels) or a CSV file with a header row", source.Path);
        }
        if (source.MaxTrainRows is int maxTrain) train = train.Take(maxTrain);
        if (source.MaxTestRows is int maxTest) test = test.Take(maxTest);
        description = description with
        {
            SplitSeed = source.Seed, ValidationFraction = source.ValidationFraction, MaxTrainRows = source.MaxTrainRows, MaxTestRows = source.MaxTestRows,
        };
        return (train, test, description);
    }
}
