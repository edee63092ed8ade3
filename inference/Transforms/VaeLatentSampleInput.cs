using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>What the latent sampler reads per row: the posterior parameters and the seed column.</summary>
internal sealed class VaeLatentSampleInput
{
    /// <summary>Posterior mean.</summary>
    [ColumnName(SavedChain.Prefix + "s_mu")] public VBuffer<float> Mu { get; set; }
    /// <summary>Posterior log-variance.</summary>
    [ColumnName(SavedChain.Prefix + "s_logvar")] public VBuffer<float> LogVar { get; set; }
    /// <summary>The seed, a one-element vector made by the seed graph.</summary>
    [ColumnName(SavedChain.Prefix + "s_seed"), VectorType(1)] public float[] Seed { get; set; } = [];
}
