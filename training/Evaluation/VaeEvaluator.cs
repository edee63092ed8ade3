using TorchSharp;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Evaluation;

/// <summary>
/// Held-out figures of a trained VAE: the negative ELBO with its parts, active latent units, and the importance-weighted
/// (IWAE) bound log p(x) >= E[log 1/K sum_k p(x, z_k) / q(z_k | x)], which tightens towards log p(x) as K grows.
/// All passes run without gradients in large batches.
/// </summary>
public static class VaeEvaluator
{
    /// <summary>A latent dimension counts as active when its mean KL exceeds this many nats.</summary>
    public const double ActiveUnitThreshold = 0.01;

    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>
    /// Negative ELBO with one reparameterised z per sample, drawn from a generator seeded with <paramref name="seed"/>.
    /// The KL term is closed form for a Gaussian posterior and the one-draw estimate log q(z|x) - log p(z) for an IAF
    /// posterior; the per-dimension KL (and so the active units) is that of the Gaussian q(z|x), for an IAF posterior the
    /// base distribution q0(z0|x) the flow starts from (the flow is a bijection of z0, so the units q0 uses are the ones
    /// that carry information).
    /// </summary>
    public static ElboEstimate NegativeElbo(VariationalAutoencoder model, VaeDataset data, int batchSize = 2000, long seed = 1)
    {
        if (data.Rows == 0) throw new ArgumentException($"{data.Source}: no rows to evaluate.");
        model.eval();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        using var all = AsTensor(data);
        using var labels = model.IsConditional ? LabelTensor(data) : null;
        double recon = 0, kl = 0;
        var klPerDim = new double[model.Architecture.LatentDim];
        for (int start = 0; start < data.Rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Rows - start);
            var x = all.narrow(0, start, n);
            var c = labels is null ? null : OneHot(labels.narrow(0, start, n), model.Architecture.ConditionDim);
            var pass = model.Forward(x, c, randn([n, model.Architecture.LatentDim], generator: generator));
            recon += ElboLoss.ReconstructionNll(model, pass.Decoded, x).to_type(ScalarType.Float64).sum().item<double>();
            var perDim = ElboLoss.KlPerDimension(pass.Mu, pass.LogVar).to_type(ScalarType.Float64).sum(dim: 0);
            var perDimValues = perDim.data<double>().ToArray();
            for (int j = 0; j < perDimValues.Length; j++) klPerDim[j] += perDimValues[j];
            kl += pass.LogQ is null ? perDimValues.Sum() : ElboLoss.Kl(pass).to_type(ScalarType.Float64).sum().item<double>();
        }
        for (int j = 0; j < klPerDim.Length; j++) klPerDim[j] /= data.Rows;
        return new ElboEstimate
        {
            Reconstruction = recon / data.Rows,
            Kl = kl / data.Rows,
            NegElbo = (recon + kl) / data.Rows,
            KlPerDimension = klPerDim,
            ActiveUnits = klPerDim.Count(v => v > ActiveUnitThreshold),
            Rows = data.Rows,
        };
    }

    /// <summary>
    /// The IWAE estimate of log p(x) in nats per sample, averaged over the first <paramref name="maxRows"/> rows,
    /// with <paramref name="samples"/> importance samples from q(z|x). Log-weights are combined with log-sum-exp in float64.
    /// For a Bernoulli decoder on continuous targets the likelihood is not normalised, so the figure is a pseudo-likelihood,
    /// comparable only between models with the same decoder.
    /// </summary>
    /// <param name="model">Trained model.</param>
    /// <param name="data">Samples in the model's (scaled) space.</param>
    /// <param name="samples">K, importance samples per row.</param>
    /// <param name="maxRows">Rows to use (the first ones).</param>
    /// <param name="seed">Seed of the importance samples.</param>
    /// <param name="decoderRows">Decoder rows per forward pass, which bounds memory: about rows x D x 4 bytes.</param>
    public static double ImportanceWeightedLogPx(VariationalAutoencoder model, VaeDataset data, int samples = 1000,
        int maxRows = 1000, long seed = 1, int decoderRows = 16384)
    {
        if (samples < 1) throw new ArgumentException($"iw samples is {samples}; expected at least 1.");
        int rows = Math.Min(maxRows, data.Rows);
        if (rows == 0) throw new ArgumentException($"{data.Source}: no rows to evaluate.");
        model.eval();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        int latent = model.Architecture.LatentDim;
        int rowsPerBlock = Math.Max(1, decoderRows / samples);
        int samplesPerPass = Math.Min(samples, decoderRows);
        using var all = AsTensor(data);
        using var labels = model.IsConditional ? LabelTensor(data) : null;
        double total = 0;
        for (int start = 0; start < rows; start += rowsPerBlock)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(rowsPerBlock, rows - start);
            var x = all.narrow(0, start, n);
            var c = labels is null ? null : OneHot(labels.narrow(0, start, n), model.Architecture.ConditionDim);
            var (mu, logvar, hidden) = model.encoder.Encode(x, c);
            var logWeights = empty(n, samples, dtype: ScalarType.Float64);
            for (int k0 = 0; k0 < samples; k0 += samplesPerPass)
            {
                using var inner = NewDisposeScope();
                int k = Math.Min(samplesPerPass, samples - k0);
                var eps = randn([n, k, latent], generator: generator);
                // For an IAF posterior log q(z|x) includes the flow's log-determinants: the weights are those of q itself.
                var (z, logQz) = model.SamplePosterior(mu, logvar, hidden, eps);
                var flatC = c is null ? null : c.unsqueeze(1).expand(n, k, c.shape[1]).reshape(n * k, c.shape[1]);
                var decoded = model.Decode(z.reshape(n * k, latent), flatC);
                var xRep = x.unsqueeze(1).expand(n, k, x.shape[1]).reshape(n * k, x.shape[1]);
                var logPxGivenZ = -ElboLoss.ReconstructionNll(model, decoded, xRep).reshape(n, k);
                var logPz = -0.5 * (z.square() + Log2Pi).sum(2);
                logWeights.narrow(1, k0, k).copy_((logPxGivenZ + logPz - logQz).to_type(ScalarType.Float64));
            }
            total += (logWeights.logsumexp(1) - Math.Log(samples)).sum().item<double>();
        }
        return total / rows;
    }

    /// <summary>The figures <c>vae eval</c> reports: test negative ELBO with its parts, active units and (when <paramref name="iwSamples"/> &gt; 0) the IWAE estimate.</summary>
    public static EvaluationSummary Summarize(VariationalAutoencoder model, VaeDataset test, int iwSamples, int iwRows,
        long seed, int batchSize, double samplesPerSecond)
    {
        var elbo = NegativeElbo(model, test, batchSize, seed);
        double? iw = iwSamples > 0 ? ImportanceWeightedLogPx(model, test, iwSamples, iwRows, seed) : null;
        return new EvaluationSummary
        {
            TestNegElbo = elbo.NegElbo, TestRecon = elbo.Reconstruction, TestKl = elbo.Kl, ActiveUnits = elbo.ActiveUnits,
            IwLogPx = iw, IwSamples = iwSamples, IwRows = iwSamples > 0 ? Math.Min(iwRows, test.Rows) : 0,
            SamplesPerSecond = samplesPerSecond,
        };
    }

    /// <summary>The class labels of a data set as an int64 tensor [rows], the condition of a conditional model.</summary>
    public static Tensor LabelTensor(VaeDataset data) => data.Labels is { } labels
        ? tensor(labels.Select(l => (long)l).ToArray(), [data.Rows])
        : throw new ArgumentException($"{data.Source}: the rows have no labels; a conditional model needs the condition of every row.");

    /// <summary>The one-hot float condition [N, K] of int64 labels [N].</summary>
    public static Tensor OneHot(Tensor labels, int classes) => nn.functional.one_hot(labels, classes).to_type(ScalarType.Float32);

    /// <summary>The whole data set as one [rows, D] tensor (a single copy of the managed block).</summary>
    public static Tensor AsTensor(VaeDataset data) => tensor(data.Features, [data.Rows, data.FeatureCount]);
}
