namespace VaeOnnx.Training.Classifier;

/// <summary>Settings of a classifier run.</summary>
public sealed record ClassifierOptions
{
    /// <summary>Passes over the training images.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Images per Adam step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Seed of initialisation and shuffling.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>LibTorch threads (0 = LibTorch's default).</summary>
    public int Threads { get; init; }
}
