using TorchSharp;
using VaeOnnx.Contract;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>The TorchSharp module of each <see cref="Activation"/>.</summary>
public static class ActivationModules
{
    /// <summary>A fresh activation module of the architecture's kind.</summary>
    public static nn.Module<Tensor, Tensor> Create(VaeArchitecture architecture) => architecture.Activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.LeakyRelu => nn.LeakyReLU(architecture.LeakySlope),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture.Activation, "unknown activation"),
    };
}
