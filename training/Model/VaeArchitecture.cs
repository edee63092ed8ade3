using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>
/// Everything needed to rebuild a VAE's modules: stored in checkpoints and ONNX metadata so a model file describes itself.
/// </summary>
public sealed record VaeArchitecture
{
    /// <summary>"mlp" (fully connected) or "conv" (a small convolutional pair for images).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "mlp";

    /// <summary>Shape of one sample: [D] for tabular data, [C,H,W] for images.</summary>
    [JsonPropertyName("input_shape")] public int[] InputShape { get; init; } = [784];

    /// <summary>Hidden layer sizes of the encoder (the decoder mirrors them). For conv models, the fully connected layers after the convolutions.</summary>
    [JsonPropertyName("hidden")] public int[] Hidden { get; init; } = [400];

    /// <summary>Latent dimension L.</summary>
    [JsonPropertyName("latent_dim")] public int LatentDim { get; init; } = 20;

    /// <summary>"relu", "leakyrelu", "tanh" or "sigmoid": the activations the ONNX exporter maps.</summary>
    [JsonPropertyName("activation")] public string Activation { get; init; } = "relu";

    /// <summary>Negative slope of LeakyReLU.</summary>
    [JsonPropertyName("leaky_slope")] public double LeakySlope { get; init; } = 0.01;

    /// <summary>"bernoulli" (data in [0,1]) or "gaussian" (real-valued data).</summary>
    [JsonPropertyName("likelihood")] public string Likelihood { get; init; } = "bernoulli";

    /// <summary>Gaussian decoders: "learned" per-feature log-variance, or "fixed" unit variance in the scaled space.</summary>
    [JsonPropertyName("gaussian_variance")] public string GaussianVariance { get; init; } = "learned";

    /// <summary>Channels of the two stride-2 convolutions of a conv model.</summary>
    [JsonPropertyName("conv_channels")] public int[] ConvChannels { get; init; } = [32, 64];

    /// <summary>Flattened input size D.</summary>
    [JsonIgnore] public int InputDim => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>True for a Bernoulli decoder.</summary>
    [JsonIgnore] public bool IsBernoulli => Likelihood == "bernoulli";

    /// <summary>Checks the combination and says which field is wrong and what was expected.</summary>
    /// <param name="origin">Where the architecture came from (a file or "options"), named in the message.</param>
    public void Validate(string origin)
    {
        void Fail(string field, string problem) => throw new ArgumentException($"{origin}: architecture field '{field}' {problem}.");
        if (Kind is not ("mlp" or "conv")) Fail("kind", $"is '{Kind}'; expected 'mlp' or 'conv'");
        if (InputShape is null || InputShape.Length == 0 || InputShape.Any(d => d <= 0)) Fail("input_shape", "must be positive dims like [784] or [1,28,28]");
        // InputDim is an int product: a shape whose product overflows would silently wrap.
        if (InputShape!.Aggregate(1L, (a, b) => Math.Min(a * b, long.MaxValue / int.MaxValue)) > int.MaxValue)
            Fail("input_shape", $"is [{string.Join(",", InputShape!)}]; expected at most {int.MaxValue} features in all");
        if (Hidden is null || Hidden.Length == 0 || Hidden.Any(h => h <= 0)) Fail("hidden", "must list at least one positive layer size");
        if (LatentDim <= 0) Fail("latent_dim", $"is {LatentDim}; expected a positive number");
        if (Activation is not ("relu" or "leakyrelu" or "tanh" or "sigmoid")) Fail("activation", $"is '{Activation}'; expected relu, leakyrelu, tanh or sigmoid");
        if (Likelihood is not ("bernoulli" or "gaussian")) Fail("likelihood", $"is '{Likelihood}'; expected bernoulli or gaussian");
        if (GaussianVariance is not ("learned" or "fixed")) Fail("gaussian_variance", $"is '{GaussianVariance}'; expected learned or fixed");
        if (Kind == "conv")
        {
            if (InputShape!.Length != 3 || InputShape[1] % 4 != 0 || InputShape[2] % 4 != 0)
                Fail("input_shape", $"is [{string.Join(",", InputShape)}]; a conv model needs [C,H,W] with H and W divisible by 4");
            if (ConvChannels is null || ConvChannels.Length != 2 || ConvChannels.Any(c => c <= 0))
                Fail("conv_channels", "must be two positive channel counts");
        }
    }

    /// <summary>
    /// Number of float parameters the modules of this architecture hold (weights, biases and the decoder log-variance),
    /// computed without building them, so that a checkpoint can be checked against its weights file before TorchSharp
    /// allocates anything. <see cref="long.MaxValue"/> when the count overflows. Call <see cref="Validate"/> first.
    /// </summary>
    public long ParameterCount()
    {
        try
        {
            checked
            {
                long inputDim = InputShape.Aggregate(1L, (a, b) => a * b), latent = LatentDim, total = 0, width = inputDim;
                long c = InputShape[0], c1 = 0, c2 = 0;
                if (Kind == "conv")
                {
                    c1 = ConvChannels[0];
                    c2 = ConvChannels[1];
                    total += c1 * c * 16 + c1 + c2 * c1 * 16 + c2; // conv1, conv2 (4x4 kernels)
                    width = c2 * (InputShape[1] / 4) * (InputShape[2] / 4);
                }
                long previous = width;
                foreach (long h in Hidden) { total += previous * h + h; previous = h; }
                total += 2 * (previous * latent + latent); // mu and logvar heads
                previous = latent;
                foreach (long h in Enumerable.Reverse(Hidden)) { total += previous * h + h; previous = h; }
                total += previous * width + width; // fc_out
                if (Kind == "conv") total += c2 * c1 * 16 + c1 + c1 * c * 16 + c; // deconv1, deconv2
                return total + inputDim; // decoder_logvar
            }
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>A fresh activation module of the configured kind.</summary>
    public nn.Module<Tensor, Tensor> CreateActivation() => Activation switch
    {
        "relu" => nn.ReLU(),
        "leakyrelu" => nn.LeakyReLU(LeakySlope),
        "tanh" => nn.Tanh(),
        "sigmoid" => nn.Sigmoid(),
        _ => throw new ArgumentException($"unknown activation '{Activation}'"),
    };
}
