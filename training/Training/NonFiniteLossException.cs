namespace VaeOnnx.Training.Training;

/// <summary>Training stopped because the loss became NaN or infinite; the last good checkpoint is left as it was.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception with the place where the loss went bad.</summary>
    public NonFiniteLossException(int epoch, int step, double value, string? lastCheckpoint)
        : base($"training stopped: the loss became {value} at epoch {epoch}, step {step}. " +
               (lastCheckpoint is null ? "No checkpoint had been written yet." : $"The last good checkpoint is kept at {lastCheckpoint}; lower the learning rate and --resume from it."))
    {
        Epoch = epoch;
        Step = step;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>1-based epoch of the bad step.</summary>
    public int Epoch { get; }

    /// <summary>1-based step within the epoch.</summary>
    public int Step { get; }

    /// <summary>Folder of the last good checkpoint, if any.</summary>
    public string? LastCheckpoint { get; }
}
