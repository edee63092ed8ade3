using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// One step of an inverse autoregressive flow (Kingma et al., 2016), in its numerically stable form:
/// <c>a = relu(W_in z + W_ctx h + b)</c>, <c>m = W_m a + b_m</c>, <c>s = W_g a + b_g</c>, <c>sigma = sigmoid(s)</c>,
/// <c>z' = sigma * z + (1 - sigma) * m</c>, and <c>log |det dz'/dz| = sum log sigma</c>. The weights of z are masked
/// (MADE, Germain et al., 2015) so that m_i and s_i depend only on the z_j that come before z_i in the step's order: the
/// Jacobian is triangular with diagonal sigma. Odd steps use the reversed order, so that no permutation is needed between
/// steps. h, the encoder's last hidden layer, enters unmasked.
/// </summary>
public sealed class IafStep : nn.Module<Tensor, Tensor, (Tensor Z, Tensor LogSigma)>
{
    /// <summary>Masked weights from z to the hidden units.</summary>
    public readonly Linear input;

    /// <summary>Weights from the encoder's hidden layer to the hidden units (no bias; <see cref="input"/> has it).</summary>
    public readonly Linear context;

    /// <summary>Masked head of the shift m.</summary>
    public readonly Linear mean;

    /// <summary>Masked head of the gate's pre-activation s.</summary>
    public readonly Linear gate;

    // Masks are constants of the architecture, rebuilt at construction: kept out of the registered state (a Tensor field
    // would become a buffer in the weights file), in an array the module registration does not look into.
    private readonly Tensor[] _masks;

    /// <summary>Builds step <paramref name="index"/> for <paramref name="latent"/> units, a context of <paramref name="contextWidth"/> and <paramref name="hidden"/> units.</summary>
    public IafStep(int index, int latent, int contextWidth, int hidden) : base(nameof(IafStep))
    {
        input = nn.Linear(latent, hidden);
        context = nn.Linear(contextWidth, hidden, hasBias: false);
        mean = nn.Linear(hidden, latent);
        gate = nn.Linear(hidden, latent);
        using (no_grad())
        {
            // The forget-gate bias of the paper: sigma starts near sigmoid(1), so each step starts close to the identity.
            gate.bias!.fill_(1.0);
        }
        var (inputMask, outputMask) = Masks(index, latent, hidden);
        _masks = [tensor(inputMask, [hidden, latent]), tensor(outputMask, [latent, hidden])];
        RegisterComponents();
    }

    /// <summary>The mask of the z weights [hidden, latent] and of both heads [latent, hidden], row-major, as 0/1 floats.</summary>
    public static (float[] Input, float[] Output) Masks(int index, int latent, int hidden)
    {
        // Degrees: position of each latent unit in this step's order (1..L); hidden units cycle through 1..L-1.
        int InputDegree(int i) => index % 2 == 0 ? i + 1 : latent - i;
        int HiddenDegree(int k) => k % (latent - 1) + 1;
        var inputMask = new float[hidden * latent];
        var outputMask = new float[latent * hidden];
        for (int k = 0; k < hidden; k++)
            for (int i = 0; i < latent; i++)
            {
                inputMask[k * latent + i] = HiddenDegree(k) >= InputDegree(i) ? 1f : 0f;
                outputMask[i * hidden + k] = InputDegree(i) > HiddenDegree(k) ? 1f : 0f;
            }
        return (inputMask, outputMask);
    }

    /// <summary>The z weights with the mask applied, as the step and the exported graph use them.</summary>
    public Tensor MaskedInputWeight => input.weight! * _masks[0];

    /// <summary>The shift head's weights with the mask applied.</summary>
    public Tensor MaskedMeanWeight => mean.weight! * _masks[1];

    /// <summary>The gate head's weights with the mask applied.</summary>
    public Tensor MaskedGateWeight => gate.weight! * _masks[1];

    /// <summary>
    /// Transforms <paramref name="z"/> [..., L] given the context <paramref name="h"/> (broadcastable to [..., H]); returns
    /// z' and the per-unit log sigma [..., L], whose sum over the last axis is the step's log-determinant.
    /// </summary>
    public override (Tensor Z, Tensor LogSigma) forward(Tensor z, Tensor h)
    {
        var a = nn.functional.relu(nn.functional.linear(z, MaskedInputWeight, input.bias) + context.forward(h));
        var m = nn.functional.linear(a, MaskedMeanWeight, mean.bias);
        var s = nn.functional.linear(a, MaskedGateWeight, gate.bias);
        var sigma = s.sigmoid();
        var next = sigma * z + (1 - sigma) * m;
        // log sigmoid(s) = -softplus(-s): finite where sigmoid underflows to 0.
        return (next, -nn.functional.softplus(-s));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var mask in _masks) mask.Dispose();
        base.Dispose(disposing);
    }
}
