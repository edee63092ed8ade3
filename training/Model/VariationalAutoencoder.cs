using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// The encoder/decoder pair plus, for a Gaussian likelihood, the per-feature log-variance of p(x|z).
/// Forward draws one z with the reparameterisation z = mu + exp(logvar/2) * eps so gradients flow through mu and logvar.
/// </summary>
public sealed class VariationalAutoencoder : nn.Module<Tensor, VaeForward>
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

    /// <summary>Builds the modules with PyTorch's default initialisation (TorchSharp follows it: kaiming-uniform weights, U(+-1/sqrt(fan_in)) biases).</summary>
    public VariationalAutoencoder(VaeArchitecture architecture) : base(nameof(VariationalAutoencoder))
    {
        architecture.Validate("architecture");
        Architecture = architecture;
        encoder = new VaeEncoder(architecture);
        decoder = new VaeDecoder(architecture);
        bool learned = architecture.Likelihood == "gaussian" && architecture.GaussianVariance == "learned";
        decoder_logvar = new Parameter(zeros(architecture.InputDim), requires_grad: learned);
        RegisterComponents();
    }

    /// <summary>Encodes, draws z by reparameterisation with the given noise source, and decodes.</summary>
    public override VaeForward forward(Tensor x)
    {
        var (mu, logvar) = encoder.forward(x);
        var eps = randn_like(mu);
        var z = Reparameterize(mu, logvar, eps);
        return new VaeForward(mu, logvar, z, decoder.forward(z));
    }

    /// <summary>z = mu + exp(logvar / 2) * eps.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar, Tensor eps) => mu + (logvar * 0.5).exp() * eps;
}
