using static TorchSharp.torch;

namespace VaeOnnx.Training.Objective;

/// <summary>Per-sample terms of the importance-weighted objective for a batch, each [N] in nats.</summary>
/// <param name="Reconstruction">-log p(x|z_k), averaged over the K draws (the ELBO's term, for reporting).</param>
/// <param name="Kl">log q(z_k|x) - log p(z_k), averaged over the K draws (the ELBO's sampled KL, for reporting).</param>
/// <param name="Bound">logsumexp_k(log w_k) - log K, the bound on log p(x) the optimiser maximises.</param>
public sealed record ImportanceWeightedTerms(Tensor Reconstruction, Tensor Kl, Tensor Bound)
{
    /// <summary>The training objective: the negative bound, averaged over the batch.</summary>
    public Tensor Loss => (-Bound).mean();
}
