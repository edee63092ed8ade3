namespace VaeOnnx.Inference.Serving;

/// <summary>One row's result and the pair id of the model that produced it.</summary>
/// <typeparam name="T">The output row type.</typeparam>
/// <param name="Value">The output row.</param>
/// <param name="PairId">The pair that produced it.</param>
public sealed record VaePrediction<T>(T Value, string PairId);
