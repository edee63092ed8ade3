using TorchSharp;
using VaeOnnx.Contract;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Objective;

/// <summary>
/// The negative evidence lower bound, -E_q[log p(x|z)] + KL(q(z|x) || p(z)), per sample, with one z draw.
/// Bernoulli: binary cross-entropy on logits summed over features (continuous targets in [0,1] allowed, as in the
/// classic Fashion-MNIST VAE). Gaussian: the exact Gaussian negative log-likelihood with a per-feature log-variance.
/// </summary>
public static class ElboLoss
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>
    /// Floor of a Gaussian decoder's per-feature log-variance, log(1e-4) (a standard deviation of 0.01 in the scaled space).
    /// Without it a feature the decoder reproduces exactly (a constant column maps to 0 after scaling) drives its learned
    /// log-variance towards minus infinity and the likelihood without bound. The loss, the evaluator and the exported
    /// metadata all use <see cref="EffectiveDecoderLogVar"/>, so they agree on the variance.
    /// </summary>
    public static readonly double MinDecoderLogVar = Math.Log(1e-4);

    /// <summary>The log-variance a Gaussian decoder actually uses: the parameter clamped below at <see cref="MinDecoderLogVar"/>.</summary>
    public static Tensor EffectiveDecoderLogVar(Tensor decoderLogVar) => decoderLogVar.clamp_min(MinDecoderLogVar);

    /// <summary>KL(N(mu, exp(logvar)) || N(0, I)) = -1/2 * sum(1 + logvar - mu^2 - exp(logvar)), per sample [N].</summary>
    public static Tensor KlToStandardNormal(Tensor mu, Tensor logvar)
    {
        using var scope = NewDisposeScope();
        return (-0.5 * (1 + logvar - mu.square() - logvar.exp()).sum(1)).MoveToOuterDisposeScope();
    }

    /// <summary>KL per latent dimension, [N, L]: used to count active units.</summary>
    public static Tensor KlPerDimension(Tensor mu, Tensor logvar)
    {
        using var scope = NewDisposeScope();
        return (-0.5 * (1 + logvar - mu.square() - logvar.exp())).MoveToOuterDisposeScope();
    }

    /// <summary>-log p(x | decoded) per sample [N].</summary>
    /// <param name="likelihood">Bernoulli (decoded are logits) or Gaussian (decoded is the mean).</param>
    /// <param name="decoded">Decoder output [N, D].</param>
    /// <param name="x">Targets [N, D] in the model's (scaled) space.</param>
    /// <param name="decoderLogVar">Per-feature log-variance [D] of a Gaussian decoder, floored at <see cref="MinDecoderLogVar"/>; ignored for Bernoulli.</param>
    public static Tensor ReconstructionNll(Likelihood likelihood, Tensor decoded, Tensor x, Tensor decoderLogVar)
    {
        using var scope = NewDisposeScope();
        Tensor nll;
        if (likelihood == Likelihood.Mixed)
            throw new ArgumentException("a mixed likelihood needs its table schema: use ReconstructionNll(model, decoded, x)", nameof(likelihood));
        if (likelihood == Likelihood.Bernoulli)
        {
            nll = nn.functional.binary_cross_entropy_with_logits(decoded, x, reduction: nn.Reduction.None).sum(1);
        }
        else
        {
            var sq = (x - decoded).square();
            var logVar = EffectiveDecoderLogVar(decoderLogVar);
            nll = 0.5 * (sq * (-logVar).exp() + logVar + Log2Pi).sum(1);
        }
        return nll.MoveToOuterDisposeScope();
    }

    /// <summary>log N(z; 0, I) summed over the last axis.</summary>
    public static Tensor LogStandardNormal(Tensor z)
    {
        using var scope = NewDisposeScope();
        return (-0.5 * (z.square() + Log2Pi).sum(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The KL term of one forward pass [N]: closed form for a Gaussian posterior; for an IAF posterior the one-sample
    /// estimate log q(z|x) - log p(z) at the pass's draw (unbiased; there is no closed form after the flow).
    /// </summary>
    public static Tensor Kl(VaeForward forward) =>
        forward.LogQ is { } logQ ? logQ - LogStandardNormal(forward.Z) : KlToStandardNormal(forward.Mu, forward.LogVar);

    /// <summary>-log p(x | decoded) per sample [N] for <paramref name="model"/>'s likelihood (a table model's per-column one included).</summary>
    public static Tensor ReconstructionNll(VariationalAutoencoder model, Tensor decoded, Tensor x) =>
        model.Columns is { } columns
            ? columns.Total(decoded, x, model.decoder_logvar)
            : ReconstructionNll(model.Architecture.Likelihood, decoded, x, model.decoder_logvar);

    /// <summary>Both terms for one forward pass (what the trainer minimises).</summary>
    public static ElboTerms Compute(VariationalAutoencoder model, VaeForward forward, Tensor x) =>
        new(ReconstructionNll(model, forward.Decoded, x), Kl(forward));
}
