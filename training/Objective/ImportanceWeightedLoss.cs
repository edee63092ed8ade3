using TorchSharp;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Objective;

/// <summary>
/// The importance-weighted bound of Burda et al. (2016) as a training objective: with K draws z_k ~ q(z|x),
/// <c>log w_k = log p(x|z_k) + beta (log p(z_k) - log q(z_k|x))</c> and the per-sample bound
/// <c>logsumexp_k(log w_k) - log K</c>, whose negative mean the optimiser minimises. For K = 1 it is the ELBO with a
/// sampled KL; it tightens as K grows, and beta = 1 gives the bound itself.
/// </summary>
public static class ImportanceWeightedLoss
{
    /// <summary>The bound's terms for a batch and its noise.</summary>
    /// <param name="model">The model (any posterior, conditional or not).</param>
    /// <param name="x">Targets [N, D] in the model's space.</param>
    /// <param name="c">The one-hot condition [N, K] of a conditional model; null otherwise.</param>
    /// <param name="eps">Standard normal noise [N, K, L].</param>
    /// <param name="beta">Weight of the prior and posterior terms in the log-weights.</param>
    public static ImportanceWeightedTerms Compute(VariationalAutoencoder model, Tensor x, Tensor? c, Tensor eps, double beta)
    {
        long n = x.shape[0], k = eps.shape[1], latent = eps.shape[2], d = x.shape[1];
        var (mu, logvar, hidden) = model.encoder.Encode(x, c);
        var (z, logQ) = model.SamplePosterior(mu, logvar, hidden, eps);
        var flatC = c is null ? null : c.unsqueeze(1).expand(n, k, c.shape[1]).reshape(n * k, c.shape[1]);
        var decoded = model.Decode(z.reshape(n * k, latent), flatC);
        var xRep = x.unsqueeze(1).expand(n, k, d).reshape(n * k, d);
        var recon = ElboLoss.ReconstructionNll(model, decoded, xRep).reshape(n, k);
        var kl = logQ - ElboLoss.LogStandardNormal(z);
        var logWeights = beta == 1.0 ? -(recon + kl) : -(recon + kl * beta);
        var bound = logWeights.logsumexp(1L) - Math.Log(k);
        return new ImportanceWeightedTerms(recon.mean([1L]), kl.mean([1L]), bound);
    }
}
