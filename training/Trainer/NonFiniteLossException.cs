namespace VaeOnnx.Training.Trainer;

/// <summary>
/// Training stopped because the loss, a parameter or an epoch's held-out figure became NaN or infinite; the last good
/// checkpoint is left as it was (nothing non-finite is ever written as a checkpoint).
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for a loss that went bad at a step.</summary>
    public NonFiniteLossException(int epoch, int step, double value, string? lastCheckpoint)
        : this(epoch, step, "the loss", value, lastCheckpoint)
    {
    }

    /// <summary>Creates the exception for <paramref name="quantity"/> (e.g. "parameter 'encoder.mu.weight'") that went bad.</summary>
    public NonFiniteLossException(int epoch, int step, string quantity, double value, string? lastCheckpoint)
        : base($"training stopped: {quantity} became {value} at epoch {epoch}, step {step}. " +
               (lastCheckpoint is null ? "No checkpoint had been written yet." : $"The last good checkpoint is kept at {lastCheckpoint}; lower the learning rate and --resume from it."))
    {
        Epoch = epoch;
        Step = step;
        Quantity = quantity;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>1-based epoch of the bad step.</summary>
    public int Epoch { get; }

    /// <summary>1-based step within the epoch (the epoch's last step for figures checked at its end).</summary>
    public int Step { get; }

    /// <summary>What became non-finite: "the loss", a parameter by name, or a held-out figure.</summary>
    public string Quantity { get; }

    /// <summary>Folder of the last good checkpoint, if any.</summary>
    public string? LastCheckpoint { get; }
}
