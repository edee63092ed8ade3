using TorchSharp;
using VaeOnnx.Contract;
using TorchSharp.Modules;
using VaeOnnx.Training.Gemm;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// The decoder network z -> [N, D]: logits of p(x|z) for a Bernoulli likelihood, the mean for a Gaussian one.
/// The sigmoid of the Bernoulli case is left out here because the loss works on logits (stable BCE); the exporter appends it.
/// A conditional decoder, p(x|z,c), adds a projection of the one-hot condition to the first layer's pre-activation (see
/// <see cref="VaeEncoder"/>).
/// </summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Layers from z to the flattened output.</summary>
    public readonly Sequential body;

    /// <summary>Conditional models: the condition's weights into the first layer (no bias); null otherwise.</summary>
    public readonly Linear? condition;

    /// <summary>Which BLAS runs the Linear layers (not a module: checkpoints and exports do not see it).</summary>
    public GemmBackend Gemm { get; set; }

    /// <summary>Builds the decoder mirroring the encoder of the same architecture.</summary>
    public VaeDecoder(VaeArchitecture architecture) : base(nameof(VaeDecoder))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var hidden = architecture.Hidden.Reverse().ToArray();
        int width = architecture.LatentDim;
        for (int i = 0; i < hidden.Length; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(width, hidden[i])));
            layers.Add(($"act{i + 1}", ActivationModules.Create(architecture)));
            width = hidden[i];
        }
        if (architecture.Kind == ModelKind.Conv)
        {
            int c = architecture.InputShape[0], h = architecture.InputShape[1], w = architecture.InputShape[2];
            int c1 = architecture.ConvChannels[0], c2 = architecture.ConvChannels[1];
            layers.Add(("fc_out", nn.Linear(width, c2 * (h / 4) * (w / 4))));
            layers.Add(("act_fc_out", ActivationModules.Create(architecture)));
            layers.Add(("unflatten", nn.Unflatten(1, [c2, h / 4, w / 4])));
            layers.Add(("deconv1", nn.ConvTranspose2d(c2, c1, kernel_size: 4, stride: 2, padding: 1)));
            layers.Add(("act_deconv1", ActivationModules.Create(architecture)));
            layers.Add(("deconv2", nn.ConvTranspose2d(c1, c, kernel_size: 4, stride: 2, padding: 1)));
            layers.Add(("flatten", nn.Flatten(1)));
        }
        else
        {
            layers.Add(("fc_out", nn.Linear(width, architecture.InputDim)));
        }
        body = nn.Sequential(layers);
        if (architecture.ConditionDim > 0) condition = nn.Linear(architecture.ConditionDim, hidden[0], hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z) =>
        condition is null ? LinearRoute.Forward(body, z, Gemm) : throw new InvalidOperationException("a conditional decoder needs the condition: call Decode(z, c)");

    /// <summary>The decoder output for latents <paramref name="z"/> [N, L] and, for a conditional decoder, the one-hot condition <paramref name="c"/> [N, K].</summary>
    public Tensor Decode(Tensor z, Tensor? c) => ConditionedBody.Forward(body, z, condition, c, Gemm);
}
