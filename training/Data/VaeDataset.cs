namespace VaeOnnx.Training.Data;

/// <summary>
/// A table of samples held as one row-major float block, the layout TorchSharp copies into a tensor in one call.
/// Images are flattened (C*H*W features per row); <see cref="ImageShape"/> keeps their shape for conv models and pictures.
/// </summary>
public sealed class VaeDataset
{
    /// <summary>Creates a data set after checking that the block, labels and shape agree.</summary>
    /// <param name="source">Where the rows came from (a file path or a description), used in error messages and metadata.</param>
    /// <param name="features">Row-major values, <paramref name="rows"/> x <paramref name="featureCount"/>.</param>
    /// <param name="rows">Number of samples.</param>
    /// <param name="featureCount">Values per sample.</param>
    /// <param name="labels">Optional class label per row (plots, anomaly splits).</param>
    /// <param name="imageShape">Optional [channels, height, width] whose product is <paramref name="featureCount"/>.</param>
    /// <param name="featureNames">Optional name per feature (tabular data).</param>
    public VaeDataset(string source, float[] features, int rows, int featureCount, int[]? labels = null,
        int[]? imageShape = null, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(features);
        if (rows < 0 || featureCount <= 0)
            throw new ArgumentException($"{source}: rows must be >= 0 and features > 0, got {rows} x {featureCount}.");
        if ((long)rows * featureCount != features.LongLength)
            throw new ArgumentException($"{source}: {rows} rows x {featureCount} features needs {(long)rows * featureCount} values, got {features.LongLength}.");
        if (labels is not null && labels.Length != rows)
            throw new ArgumentException($"{source}: {labels.Length} labels for {rows} rows.");
        if (imageShape is not null && (imageShape.Length != 3 || imageShape.Aggregate(1L, (a, b) => a * b) != featureCount))
            throw new ArgumentException($"{source}: image shape [{string.Join(",", imageShape)}] does not hold {featureCount} features (expected [C,H,W]).");
        if (featureNames is not null && featureNames.Count != featureCount)
            throw new ArgumentException($"{source}: {featureNames.Count} feature names for {featureCount} features.");
        Source = source;
        Features = features;
        Rows = rows;
        FeatureCount = featureCount;
        Labels = labels;
        ImageShape = imageShape;
        FeatureNames = featureNames;
    }

    /// <summary>Where the rows came from.</summary>
    public string Source { get; }

    /// <summary>Row-major values, <see cref="Rows"/> x <see cref="FeatureCount"/>.</summary>
    public float[] Features { get; }

    /// <summary>Number of samples.</summary>
    public int Rows { get; }

    /// <summary>Values per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Class label per row, when the source has them.</summary>
    public int[]? Labels { get; }

    /// <summary>[channels, height, width] for image data, else null.</summary>
    public int[]? ImageShape { get; }

    /// <summary>Feature names for tabular data, else null.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>The values of one row (a view, not a copy).</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>A new data set holding the given rows, in that order.</summary>
    public VaeDataset Select(IReadOnlyList<int> indices, string? source = null)
    {
        var block = new float[(long)indices.Count * FeatureCount];
        int[]? labels = Labels is null ? null : new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Row(indices[i]).CopyTo(block.AsSpan(i * FeatureCount, FeatureCount));
            if (labels is not null) labels[i] = Labels![indices[i]];
        }
        return new VaeDataset(source ?? Source, block, indices.Count, FeatureCount, labels, ImageShape, FeatureNames);
    }

    /// <summary>The first <paramref name="count"/> rows (or all, when fewer).</summary>
    public VaeDataset Take(int count) => Select(Enumerable.Range(0, Math.Min(count, Rows)).ToArray());
}
