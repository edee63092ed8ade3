namespace VaeOnnx.Cli.Scoring;

/// <summary>What <c>vae score</c> computes per row of a table: the score, its parts, the anomaly flag and each column's contribution.</summary>
/// <param name="Score">Negative ELBO with z = mu.</param>
/// <param name="Reconstruction">Everything but the KL: the score minus <paramref name="Kl"/>.</param>
/// <param name="Kl">The KL term.</param>
/// <param name="IsAnomaly">Score at or above the pair's calibrated threshold (float32).</param>
/// <param name="Contributions">Per row, one value per table column, adding up to the score.</param>
public sealed record TableScores(float[] Score, float[] Reconstruction, float[] Kl, bool[] IsAnomaly, float[][] Contributions);
