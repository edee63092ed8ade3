using Microsoft.ML;
using VaeOnnx.Contract;
using VaeOnnx.Inference;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Trainers;

/// <summary>
/// A table read from a data view as the command line reads a CSV file: every cell as text through
/// <see cref="VaeTableData.FromDataView"/>, kinds inferred, split and featurised in memory (no file is written).
/// </summary>
internal static class TableInput
{
    public static PreparedData Prepare(IDataView input, TrainingColumns columns, VaeAnomalyTrainer.Options options, int seed)
    {
        IReadOnlyList<string> names = columns.Condition is { } c ? [.. columns.Table, c] : columns.Table;
        var rows = VaeTableData.FromDataView(input, names);
        var source = new DataSourceOptions { Path = rows.Source, ConditionColumn = columns.Condition, TestFraction = options.HoldOutFraction, Seed = seed };
        var data = TableDataLoader.LoadInMemory(rows, source);
        var architecture = new VaeArchitecture
        {
            InputShape = [data.Train.FeatureCount], Hidden = options.Hidden, LatentDim = options.LatentDim, Likelihood = Likelihood.Mixed,
            Condition = columns.Condition is { } column ? TrainingDataLoader.Condition(data, column) : null,
        };
        return new PreparedData(data, architecture, TableDataLoader.HeldOutRows(rows, data.Dataset), null);
    }
}
