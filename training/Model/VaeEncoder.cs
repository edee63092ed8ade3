using TorchSharp;
using VaeOnnx.Contract;
using TorchSharp.Modules;
using VaeOnnx.Training.Gemm;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// q(z|x) = N(mu(x), diag exp(logvar(x))): a body shared by two linear heads.
/// Input is the flattened sample [N, D]; conv models unflatten inside the body so that the ONNX graph keeps the same [N, D] input.
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, (Tensor Mu, Tensor LogVar)>
{
    /// <summary>Layers from x to the last hidden activation.</summary>
    public readonly Sequential body;

    /// <summary>Head producing the posterior mean.</summary>
    public readonly Linear mu;

    /// <summary>Head producing the posterior log-variance.</summary>
    public readonly Linear logvar;

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
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Mu, Tensor LogVar) forward(Tensor x)
    {
        using var h = LinearRoute.Forward(body, x, Gemm);
        return (LinearRoute.Forward(mu, h, Gemm), LinearRoute.Forward(logvar, h, Gemm));
    }
}
