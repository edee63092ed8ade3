using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Model;

namespace VaeOnnx.Training.Trainer;

/// <summary>What a training run ends with. The caller owns (and disposes) the model.</summary>
/// <param name="Model">The trained model (best validation epoch when early stopping ended the run).</param>
/// <param name="Checkpoint">The info of the last checkpoint written.</param>
/// <param name="CheckpointFolder">Where it was written.</param>
public sealed record TrainingResult(VariationalAutoencoder Model, CheckpointInfo Checkpoint, string CheckpointFolder)
{
    /// <summary>Why the run ended.</summary>
    public StopReason StopReason => Checkpoint.StopReason ?? StopReason.Completed;
}
