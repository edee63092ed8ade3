namespace VaeOnnx.Inference.Quality;

/// <summary>What <see cref="SampleQuality.Measure"/> found.</summary>
/// <param name="FrechetDistance">Fréchet distance between the draws' and the real images' classifier features (lower is better).</param>
/// <param name="ConditionAccuracy">Conditional pairs: the fraction of draws classified as their condition; null otherwise.</param>
/// <param name="GeneratedRows">Draws measured.</param>
/// <param name="RealRows">Real images measured.</param>
public sealed record SampleQualityResult(double FrechetDistance, double? ConditionAccuracy, int GeneratedRows, int RealRows);
