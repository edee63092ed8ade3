using TorchSharp;
using VaeOnnx.Contract;
using TorchSharp.Modules;
using VaeOnnx.Training.Gemm;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// The encoder/decoder pair plus, for a Gaussian likelihood, the per-feature log-variance of p(x|z).
/// Forward draws one z with the reparameterisation z = mu + exp(logvar/2) * eps so gradients flow through mu and logvar;
/// the caller supplies eps, so that every draw comes from a generator it seeds (training resumes bit for bit).
/// Conditional models take the one-hot condition in both halves; an IAF posterior transforms the draw with
/// <see cref="flow"/> and reports log q(z|x).
/// </summary>
public sealed class VariationalAutoencoder : nn.Module<Tensor, Tensor, VaeForward>
{
    /// <summary>q(z|x).</summary>
    public readonly VaeEncoder encoder;

    /// <summary>p(x|z) parameters.</summary>
    public readonly VaeDecoder decoder;

    /// <summary>
    /// Per-feature log-variance of a Gaussian decoder ([D]); zeros and frozen when the variance is fixed; unused for Bernoulli.
    /// The likelihood uses it floored at <see cref="Objective.ElboLoss.MinDecoderLogVar"/>.
    /// </summary>
    public readonly Parameter decoder_logvar;

    /// <summary>IAF posteriors: the flow applied to draws of the Gaussian q0(z0|x); null for a Gaussian posterior.</summary>
    public readonly IafFlow? flow;

    /// <summary>The architecture the modules were built from.</summary>
    public VaeArchitecture Architecture { get; }

    /// <summary>Table models: the per-column likelihood of the table's schema; null otherwise.</summary>
    public Objective.MixedLikelihood? Columns { get; }

    /// <summary>Table models: the column schema the model was trained on; null otherwise.</summary>
    public TableSchema? Table { get; }

    /// <summary>Which BLAS runs the Linear layers of the encoder and the decoder; LibTorch's unless a run chose OpenBLAS.</summary>
    public GemmBackend Gemm
    {
        get => encoder.Gemm;
        set => (encoder.Gemm, decoder.Gemm) = (value, value);
    }

    /// <summary>Builds the modules with PyTorch's default initialisation (TorchSharp follows it: kaiming-uniform weights, U(+-1/sqrt(fan_in)) biases).</summary>
    /// <param name="architecture">The modules to build.</param>
    /// <param name="table">The column schema of a table model (likelihood mixed); null otherwise.</param>
    public VariationalAutoencoder(VaeArchitecture architecture, TableSchema? table = null) : base(nameof(VariationalAutoencoder))
    {
        architecture.Validate("architecture");
        if ((architecture.Likelihood == Likelihood.Mixed) != (table is not null))
            throw new ArgumentException(table is null ? "a mixed likelihood needs the table's column schema" : "a table schema needs the mixed likelihood");
        if (table is not null && table.FeatureCount != architecture.InputDim)
            throw new ArgumentException($"the table schema lays out {table.FeatureCount} features; the architecture takes {architecture.InputDim}");
        Architecture = architecture;
        Table = table;
        Columns = table is null ? null : new Objective.MixedLikelihood(table);
        encoder = new VaeEncoder(architecture);
        decoder = new VaeDecoder(architecture);
        bool learned = architecture.Likelihood != Likelihood.Bernoulli && architecture.GaussianVariance == GaussianVariance.Learned;
        decoder_logvar = new Parameter(zeros(architecture.InputDim), requires_grad: learned);
        // Built last, so that the encoder and decoder start from the same weights as a Gaussian-posterior model of the same seed.
        if (architecture.HasFlow) flow = new IafFlow(architecture);
        RegisterComponents();
    }

    /// <summary>True when both halves take a condition.</summary>
    public bool IsConditional => Architecture.ConditionDim > 0;

    /// <summary>
    /// Encodes <paramref name="x"/> [N, D] (with the one-hot condition <paramref name="c"/> [N, K] of a conditional model),
    /// draws z from q(z|x,c) with the standard normal noise <paramref name="eps"/> [N, L], and decodes it.
    /// </summary>
    public VaeForward Forward(Tensor x, Tensor? c, Tensor eps)
    {
        if (c is null && flow is null) return forward(x, eps);
        var (mu, logvar, hidden) = encoder.Encode(x, c);
        var (z, logQ) = SamplePosterior(mu, logvar, hidden, eps);
        return new VaeForward(mu, logvar, z, decoder.Decode(z, c)) { LogQ = flow is null ? null : logQ };
    }

    /// <summary>
    /// Draws from q(z|x) with noise <paramref name="eps"/> of shape [N, L] or [N, K, L] (K draws per row): the
    /// reparameterised Gaussian draw, then the flow when there is one. Returns z (the shape of eps) and log q(z|x) ([N] or [N, K]).
    /// </summary>
    /// <param name="mu">Posterior mean [N, L].</param>
    /// <param name="logvar">Posterior log-variance [N, L].</param>
    /// <param name="hidden">The encoder's last hidden layer [N, H] (the flow's context); ignored without a flow.</param>
    /// <param name="eps">Standard normal noise.</param>
    public (Tensor Z, Tensor LogQ) SamplePosterior(Tensor mu, Tensor logvar, Tensor? hidden, Tensor eps)
    {
        bool draws = eps.dim() == 3;
        var (m, lv) = draws ? (mu.unsqueeze(1), logvar.unsqueeze(1)) : (mu, logvar);
        var z = m + (lv * 0.5).exp() * eps;
        var logQ = -0.5 * (eps.square() + lv + Log2Pi).sum(-1);
        if (flow is null) return (z, logQ);
        if (hidden is null) throw new ArgumentNullException(nameof(hidden), "an IAF posterior needs the encoder's hidden layer");
        var (zT, logDet) = flow.forward(z, draws ? hidden.unsqueeze(1) : hidden);
        return (zT, logQ - logDet);
    }

    /// <summary>The decoder output for z [N, L] (and the condition [N, K] of a conditional model).</summary>
    public Tensor Decode(Tensor z, Tensor? c) => c is null ? decoder.forward(z) : decoder.Decode(z, c);

    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>Encodes <paramref name="x"/> [N, D], draws z = mu + exp(logvar / 2) * <paramref name="eps"/> ([N, L] standard normal noise), and decodes.</summary>
    public override VaeForward forward(Tensor x, Tensor eps)
    {
        if (flow is not null || IsConditional) return Forward(x, null, eps);
        var (mu, logvar) = encoder.forward(x);
        var z = Reparameterize(mu, logvar, eps);
        return new VaeForward(mu, logvar, z, decoder.forward(z));
    }

    /// <summary>z = mu + exp(logvar / 2) * eps.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Tensor eps) => mu + (logvar * 0.5).exp() * eps;
}
