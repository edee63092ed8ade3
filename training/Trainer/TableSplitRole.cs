namespace VaeOnnx.Training.Trainer;

/// <summary>Which split a row of a streamed table belongs to.</summary>
public enum TableSplitRole : byte
{
    /// <summary>In no split: left out by a row limit (<c>--max-train-rows</c>, <c>--max-test-rows</c>).</summary>
    None,

    /// <summary>A training row: read every epoch through the shuffle buffer.</summary>
    Train,

    /// <summary>A validation row (early stopping), held featurised in memory.</summary>
    Validation,

    /// <summary>A test row, held featurised in memory.</summary>
    Test,
}
