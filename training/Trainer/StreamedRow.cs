namespace VaeOnnx.Training.Trainer;

/// <summary>One featurised training row of a streamed table.</summary>
/// <param name="Position">The row's 0-based position among the source's data rows (its file order).</param>
/// <param name="Features">The row's features.</param>
/// <param name="Label">The row's class (label or condition column), or -1 when the table has none.</param>
public readonly record struct StreamedRow(int Position, float[] Features, int Label);
