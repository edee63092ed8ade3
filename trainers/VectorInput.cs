using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Trainers;

/// <summary>
/// One vector column as a plain numeric model, trained as the command line trains a numeric CSV with
/// <c>--likelihood gaussian</c>: standardised on the training rows, a Gaussian decoder with a learned variance.
/// </summary>
internal static class VectorInput
{
    private const string Source = "data view";

    public static PreparedData Prepare(IDataView input, DataViewSchema.Column column, VaeAnomalyTrainer.Options options, int seed)
    {
        int width = ((VectorDataViewType)column.Type).Size;
        var values = VectorRows.Read(input, column);
        int rows = values.Length / width;
        if (rows < TableDataLoader.MinRows)
            throw new ArgumentException($"{Source}: {rows} rows; a model needs at least {TableDataLoader.MinRows} rows to train on and hold out", nameof(input));
        var all = new VaeDataset(Source, values, rows, width, featureNames: SlotNames(column, width));
        var (train, heldOut) = DatasetSplitter.Split(all, options.HoldOutFraction, seed, "held out");
        var scaling = DatasetScaling.Fit(train, ScalingKind.Standardize);
        var description = new DatasetDescription
        {
            Name = column.Name, Source = Source, Format = DatasetFormat.Csv, FeatureNames = all.FeatureNames, TestFraction = options.HoldOutFraction,
            SplitSeed = seed, TrainRows = train.Rows, TestRows = heldOut.Rows,
        };
        var data = new TrainingData(scaling.Apply(train), null, scaling.Apply(heldOut), scaling, description);
        var architecture = new VaeArchitecture { InputShape = [width], Hidden = options.Hidden, LatentDim = options.LatentDim, Likelihood = Likelihood.Gaussian };
        return new PreparedData(data, architecture, null, heldOut.Features);
    }

    /// <summary>The column's slot names when it has them all (a Concatenate of named columns), so the pair records its features.</summary>
    private static string[]? SlotNames(DataViewSchema.Column column, int width)
    {
        if (!column.HasSlotNames()) return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        var result = names.DenseValues().Select(n => n.ToString()).ToArray();
        return result.All(n => n.Length > 0) && result.Distinct().Count() == width ? result : null;
    }
}
