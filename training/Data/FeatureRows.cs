namespace VaeOnnx.Training.Data;

/// <summary>Featurised rows gathered block by block (a streamed table's held-out splits) into one <see cref="VaeDataset"/>.</summary>
public sealed class FeatureRows
{
    private readonly List<float> _features = [];
    private readonly List<int> _labels = [];
    private int _rows, _featureCount;
    private bool _labelled;

    /// <summary>Appends the rows of <paramref name="block"/>; every block must have the first one's features and labels.</summary>
    public void Add(VaeDataset block)
    {
        if (_rows == 0) (_featureCount, _labelled) = (block.FeatureCount, block.Labels is not null);
        if (block.FeatureCount != _featureCount || (block.Labels is not null) != _labelled)
            throw new ArgumentException($"{block.Source}: a block of {block.FeatureCount} features does not continue rows of {_featureCount}");
        _features.AddRange(block.Features);
        if (block.Labels is { } labels) _labels.AddRange(labels);
        _rows += block.Rows;
    }

    /// <summary>The rows added so far, as one data set named <paramref name="source"/>.</summary>
    public VaeDataset ToDataset(string source) =>
        new(source, [.. _features], _rows, Math.Max(_featureCount, 1), _labelled ? [.. _labels] : null);
}
