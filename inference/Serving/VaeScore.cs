namespace VaeOnnx.Inference.Serving;

/// <summary>One row's anomaly score (negative ELBO with z = mu) and its parts, with the pair that computed it.</summary>
/// <param name="Score">Reconstruction + KL; higher is more unusual.</param>
/// <param name="Reconstruction">-log p(x | z = mu) in the scaled space.</param>
/// <param name="Kl">KL(q(z|x) || N(0, I)).</param>
/// <param name="SquaredError">Sum of squared differences between x and its reconstruction, raw units.</param>
/// <param name="PairId">Pair id of the model that produced the figures.</param>
public sealed record VaeScore(float Score, float Reconstruction, float Kl, float SquaredError, string PairId);
