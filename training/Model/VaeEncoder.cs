using TorchSharp;
using VaeOnnx.Contract;
using TorchSharp.Modules;
using VaeOnnx.Training.Gemm;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// q(z|x) = N(mu(x), diag exp(logvar(x))): a body shared by two linear heads.
/// Input is the flattened sample [N, D]; conv models unflatten inside the body so that the ONNX graph keeps the same [N, D] input.
/// A conditional encoder, q(z|x,c), adds a projection of the one-hot condition to the first fully connected layer's
/// pre-activation: the same as concatenating c to that layer's input, while the body keeps the module names (and so
/// the weights files) of an unconditional model.
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, (Tensor Mu, Tensor LogVar)>
{
    /// <summary>Name of the first fully connected layer of the body, which receives the condition.</summary>
    public const string ConditionedLayer = "fc1";

    /// <summary>Layers from x to the last hidden activation.</summary>
    public readonly Sequential body;

    /// <summary>Head producing the posterior mean.</summary>
    public readonly Linear mu;

    /// <summary>Head producing the posterior log-variance.</summary>
    public readonly Linear logvar;

    /// <summary>Conditional models: the condition's weights into <see cref="ConditionedLayer"/> (no bias); null otherwise.</summary>
    public readonly Linear? condition;

    /// <summary>Which BLAS runs the Linear layers (not a module: checkpoints and exports do not see it).</summary>
    public GemmBackend Gemm { get; set; }

    /// <summary>Builds the encoder for an architecture.</summary>
    public VaeEncoder(VaeArchitecture architecture) : base(nameof(VaeEncoder))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width;
        if (architecture.Kind == ModelKind.Conv)
        {
            int c = architecture.InputShape[0], h = architecture.InputShape[1], w = architecture.InputShape[2];
            int c1 = architecture.ConvChannels[0], c2 = architecture.ConvChannels[1];
            layers.Add(("unflatten", nn.Unflatten(1, [c, h, w])));
            layers.Add(("conv1", nn.Conv2d(c, c1, kernel_size: 4, stride: 2, padding: 1)));
            layers.Add(("act_conv1", ActivationModules.Create(architecture)));
            layers.Add(("conv2", nn.Conv2d(c1, c2, kernel_size: 4, stride: 2, padding: 1)));
            layers.Add(("act_conv2", ActivationModules.Create(architecture)));
            layers.Add(("flatten", nn.Flatten(1)));
            width = c2 * (h / 4) * (w / 4);
        }
        else
        {
            width = architecture.InputDim;
        }
        for (int i = 0; i < architecture.Hidden.Length; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(width, architecture.Hidden[i])));
            layers.Add(($"act{i + 1}", ActivationModules.Create(architecture)));
            width = architecture.Hidden[i];
        }
        body = nn.Sequential(layers);
        mu = nn.Linear(width, architecture.LatentDim);
        logvar = nn.Linear(width, architecture.LatentDim);
        if (architecture.ConditionDim > 0) condition = nn.Linear(architecture.ConditionDim, architecture.Hidden[0], hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Mu, Tensor LogVar) forward(Tensor x)
    {
        if (condition is not null) throw new InvalidOperationException("a conditional encoder needs the condition: call Encode(x, c)");
        using var h = LinearRoute.Forward(body, x, Gemm);
        return (LinearRoute.Forward(mu, h, Gemm), LinearRoute.Forward(logvar, h, Gemm));
    }

    /// <summary>mu, logvar and the last hidden activation h (the context of an IAF posterior) of q(z|x,c).</summary>
    /// <param name="x">Samples [N, D].</param>
    /// <param name="c">The one-hot condition [N, K] of a conditional encoder; null otherwise.</param>
    public (Tensor Mu, Tensor LogVar, Tensor Hidden) Encode(Tensor x, Tensor? c)
    {
        var h = ConditionedBody.Forward(body, x, condition, c, Gemm);
        return (LinearRoute.Forward(mu, h, Gemm), LinearRoute.Forward(logvar, h, Gemm), h);
    }
}
