namespace VaeOnnx.Tests.Inference;

/// <summary>PredictionEngine output of the anomaly chain.</summary>
internal sealed class ScoreRow
{
    public float Score { get; set; }
    public float Score_recon { get; set; }
    public float Score_kl { get; set; }
    public float[] Reconstruction { get; set; } = [];
}
