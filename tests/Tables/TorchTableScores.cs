namespace VaeOnnx.Tests.Tables;

/// <summary>Anomaly scores of table rows computed by the trained model (z = mu), as the exported pair computes them.</summary>
/// <param name="Score">Per row: recon + kl.</param>
/// <param name="Reconstruction">Per row: the sum of <paramref name="Contributions"/>.</param>
/// <param name="Kl">Per row: KL(q(z|x) || N(0, I)).</param>
/// <param name="Contributions">Row-major rows x columns: each column's share of the reconstruction term, nats.</param>
internal sealed record TorchTableScores(double[] Score, double[] Reconstruction, double[] Kl, double[] Contributions);
