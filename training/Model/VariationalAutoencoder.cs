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
        RegisterComponents();
    }

    /// <summary>Encodes <paramref name="x"/> [N, D], draws z = mu + exp(logvar / 2) * <paramref name="eps"/> ([N, L] standard normal noise), and decodes.</summary>
    public override VaeForward forward(Tensor x, Tensor eps)
    {
        var (mu, logvar) = encoder.forward(x);
        var z = Reparameterize(mu, logvar, eps);
        return new VaeForward(mu, logvar, z, decoder.forward(z));
    }

    /// <summary>z = mu + exp(logvar / 2) * eps.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Tensor eps) => mu + (logvar * 0.5).exp() * eps;
}
