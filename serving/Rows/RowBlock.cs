namespace VaeOnnx.Serving.Rows;

/// <summary>Rows read from a request: <see cref="Rows"/> rows of <see cref="Width"/> floats, row-major, at the start of <see cref="Values"/>.</summary>
public sealed record RowBlock(float[] Values, int Rows, int Width);
