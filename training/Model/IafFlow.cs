using TorchSharp;
using TorchSharp.Modules;
using VaeOnnx.Contract;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// The steps of an IAF posterior, applied to a draw of the diagonal Gaussian q0(z0|x):
/// <c>z_T = f_T(... f_1(z0; h) ...; h)</c> and <c>log q(z_T|x) = log q0(z0|x) - sum_t sum_i log sigma_t,i</c>.
/// </summary>
public sealed class IafFlow : nn.Module<Tensor, Tensor, (Tensor Z, Tensor LogDet)>
{
    /// <summary>The steps, in order.</summary>
    public readonly ModuleList<IafStep> steps;

    /// <summary>Builds the steps of an IAF architecture.</summary>
    public IafFlow(VaeArchitecture architecture) : base(nameof(IafFlow))
    {
        var list = new List<IafStep>();
        for (int t = 0; t < architecture.FlowSteps; t++)
            list.Add(new IafStep(t, architecture.LatentDim, architecture.Hidden[^1], architecture.FlowHidden));
        steps = nn.ModuleList(list.ToArray());
        RegisterComponents();
    }

    /// <summary>z_T from z0 [..., L] with context h (broadcastable to [..., H]), and sum_t sum_i log sigma_t,i [...].</summary>
    public override (Tensor Z, Tensor LogDet) forward(Tensor z0, Tensor h)
    {
        var z = z0;
        Tensor? logDet = null;
        foreach (var step in steps)
        {
            var (next, logSigma) = step.forward(z, h);
            var stepLogDet = logSigma.sum(-1);
            logDet = logDet is null ? stepLogDet : logDet + stepLogDet;
            z = next;
        }
        return (z, logDet ?? zeros_like(z0.select(-1, 0)));
    }
}
