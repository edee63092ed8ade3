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

    /// <summary>Which BLAS runs the Linear layers of the encoder and the decoder; LibTorch's unless a run chose OpenBLAS.</summary>
    public GemmBackend Gemm
    {
        get => encoder.Gemm;
        set => (encoder.Gemm, decoder.Gemm) = (value, value);
    }

    /// <summary>Builds the modules with PyTorch's default initialisation (TorchSharp follows it: kaiming-uniform weights, U(+-1/sqrt(fan_in)) biases).</summary>
    public VariationalAutoencoder(VaeArchitecture architecture) : base(nameof(VariationalAutoencoder))
    {
        architecture.Validate("architecture");
        Architecture = architecture;
        encoder = new VaeEncoder(architecture);
        decoder = new VaeDecoder(architecture);
        bool learned = architecture.Likelihood == Likelihood.Gaussian && architecture.GaussianVariance == GaussianVariance.Learned;
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
