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
}
