namespace VaeOnnx.Serving.Rows;

/// <summary>Rows read from a request: <see cref="Rows"/> rows of <see cref="Width"/> floats, row-major, at the start of <see cref="Values"/>.</summary>
public sealed record RowBlock(float[] Values, int Rows, int Width)
{
    /// <summary>
    /// The condition value of each row as the request named it (a conditional pair's class, e.g. "Sneaker"), or null when
    /// the request gave none; checked against the pair by <see cref="RowConditions"/>.
    /// </summary>
    public IReadOnlyList<string>? Conditions { get; init; }
}
