namespace VaeOnnx.Tables;

/// <summary>
/// A block of rows as a table model reads them (<see cref="TableBlockReader"/>): the encoder graph's input arrays, one per
/// schema column (float[] for numbers and dates, string[] for flags and categories), a conditional model's class index of
/// every row, and the id cells that lead each scored row.
/// </summary>
/// <param name="Columns">One array per column of the schema, each <paramref name="Count"/> long.</param>
/// <param name="Conditions">The condition class index of every row; null for a model without a condition.</param>
/// <param name="Ids">The id cells of every row, in the order asked for; an empty array per row when none are asked.</param>
/// <param name="Count">The number of rows.</param>
public sealed record TableColumnBlock(IReadOnlyList<Array> Columns, int[]? Conditions, IReadOnlyList<string[]> Ids, int Count);
