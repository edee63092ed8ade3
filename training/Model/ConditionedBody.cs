using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>Runs a body of layers with a condition's projection added to the pre-activation of its first fully connected layer.</summary>
internal static class ConditionedBody
{
    /// <summary>The body applied to <paramref name="input"/>; with a condition, <c>fc1(input) + projection(c)</c> feeds the next layer.</summary>
    public static Tensor Forward(Sequential body, Tensor input, Linear? projection, Tensor? c)
    {
        if (projection is null)
        {
            if (c is not null) throw new ArgumentException("a condition was given to a model trained without one", nameof(c));
            return body.forward(input);
        }
        if (c is null) throw new ArgumentException("this conditional model needs the condition c [N, K]", nameof(c));
        var value = input;
        foreach (var (name, layer) in body.named_children())
        {
            value = ((nn.Module<Tensor, Tensor>)layer).forward(value);
            if (name == VaeEncoder.ConditionedLayer) value = value + projection.forward(c);
        }
        return value;
    }
}
