namespace VaeOnnx.Inference.Serving;

/// <summary>The results of a batch, all produced by one pair.</summary>
/// <typeparam name="T">The output row type.</typeparam>
/// <param name="Rows">One output row per input row, in input order.</param>
/// <param name="PairId">The pair that produced every row.</param>
public sealed record VaePredictions<T>(IReadOnlyList<T> Rows, string PairId);
