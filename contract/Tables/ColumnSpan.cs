namespace VaeOnnx.Contract;

/// <summary>Where one column's features sit in the model's feature vector.</summary>
/// <param name="Start">Index of the column's first value feature.</param>
/// <param name="ValueWidth">Value features: the number of categories, else 1.</param>
/// <param name="Indicator">Index of the missing-value indicator feature, or -1 when the column has none.</param>
public sealed record ColumnSpan(int Start, int ValueWidth, int Indicator)
{
    /// <summary>True when the column has a missing-value indicator.</summary>
    public bool HasIndicator => Indicator >= 0;
}
