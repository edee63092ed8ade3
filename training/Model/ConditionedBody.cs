using TorchSharp.Modules;
using VaeOnnx.Training.Gemm;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>Runs a body of layers with a condition's projection added to the pre-activation of its first fully connected layer.</summary>
internal static class ConditionedBody
{
    /// <summary>
    /// The body applied to <paramref name="input"/>, its Linear layers on <paramref name="gemm"/>; with a condition,
    /// <c>fc1(input) + projection(c)</c> feeds the next layer.
    /// </summary>
    public static Tensor Forward(Sequential body, Tensor input, Linear? projection, Tensor? c, GemmBackend gemm)
    {
        if (projection is null)
        {
            if (c is not null) throw new ArgumentException("a condition was given to a model trained without one", nameof(c));
            return LinearRoute.Forward(body, input, gemm);
        }
        if (c is null) throw new ArgumentException("this conditional model needs the condition c [N, K]", nameof(c));
        var value = input;
        foreach (var (name, layer) in body.named_children())
        {
            value = layer is Linear linear ? LinearRoute.Forward(linear, value, gemm) : ((nn.Module<Tensor, Tensor>)layer).forward(value);
            if (name == VaeEncoder.ConditionedLayer) value = value + projection.forward(c);
        }
        return value;
    }
}
