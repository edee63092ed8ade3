namespace VaeOnnx.Cli.Scoring;

/// <summary>What <c>vae score</c> computes per row of a table: the score, its parts, the anomaly flag and each column's contribution.</summary>
/// <param name="Score">Negative ELBO with z = mu.</param>
/// <param name="Reconstruction">The reconstruction term (the sum of the contributions).</param>
/// <param name="Kl">The KL term.</param>
/// <param name="IsAnomaly">Score above the pair's calibrated threshold.</param>
/// <param name="Contributions">Per row, one value per table column.</param>
public sealed record TableScores(float[] Score, float[] Reconstruction, float[] Kl, bool[] IsAnomaly, float[][] Contributions);
