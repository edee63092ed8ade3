using VaeOnnx.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Training.Trainer;

/// <summary>The splits of a run, already in the model's (scaled) space, with the scaling that got them there.</summary>
/// <param name="Train">Rows the optimiser sees.</param>
/// <param name="Validation">Rows for early stopping, or null.</param>
/// <param name="Test">Held-out rows reported every epoch.</param>
/// <param name="Scaling">Fitted on the raw training split; stored with the model.</param>
/// <param name="Dataset">Name and provenance for the checkpoint and metadata.</param>
/// <param name="Table">Table models: the column schema the features follow; null otherwise.</param>
public sealed record TrainingData(VaeDataset Train, VaeDataset? Validation, VaeDataset Test, FeatureScaling Scaling, DatasetDescription Dataset,
    TableSchema? Table = null)
{
    /// <summary>Conditional table models: the condition read from the table (classes and their training proportions); null otherwise.</summary>
    public ConditionSpec? Condition { get; init; }

    /// <summary>
    /// A table larger than its shuffle buffer: the training rows, read from the source every epoch (<see cref="Train"/> then
    /// holds only a sample of them); null when <see cref="Train"/> holds every training row.
    /// </summary>
    public TableTrainingStream? TrainStream { get; init; }

    /// <summary>Training rows an epoch goes through: the stream's, or <see cref="Train"/>'s.</summary>
    public int TrainRows => TrainStream?.Rows ?? Train.Rows;
}
