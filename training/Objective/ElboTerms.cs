using static TorchSharp.torch;

namespace VaeOnnx.Training.Objective;

/// <summary>
/// Per-sample terms of the negative ELBO for a batch, each of shape [N] in nats.
/// </summary>
/// <param name="Reconstruction">-log p(x|z) for the drawn z.</param>
/// <param name="Kl">KL(q(z|x) || N(0, I)), closed form.</param>
public sealed record ElboTerms(Tensor Reconstruction, Tensor Kl)
{
    /// <summary>The training objective: mean over the batch of reconstruction + beta * KL.</summary>
    public Tensor Loss(double beta) => beta == 1.0 ? (Reconstruction + Kl).mean() : (Reconstruction + Kl * beta).mean();
}
