using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Training.Training;

/// <summary>Turns a data source (IDX folder or CSV file) into scaled train/validation/test splits.</summary>
public static class TrainingDataLoader
{
    /// <summary>Loads, splits and scales a data source for a decoder likelihood.</summary>
    public static TrainingData Load(DataSourceOptions source, string likelihood) => throw new NotSupportedException("pending data layer merge");

    /// <summary>The test split of the data a checkpoint was trained on, scaled with the checkpoint's scaling.</summary>
    public static VaeDataset LoadTest(CheckpointInfo info, string? path) => throw new NotSupportedException("pending data layer merge");
}
