using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// Everything needed to rebuild a VAE's modules: stored in checkpoints and ONNX metadata so a model file describes itself.
/// </summary>
public sealed record VaeArchitecture
{
    /// <summary>Fully connected, or a small convolutional pair for images.</summary>
    [JsonPropertyName("kind")] public ModelKind Kind { get; init; } = ModelKind.Mlp;

    /// <summary>Shape of one sample: [D] for tabular data, [C,H,W] for images.</summary>
    [JsonPropertyName("input_shape")] public int[] InputShape { get; init; } = [784];

    /// <summary>Hidden layer sizes of the encoder (the decoder mirrors them). For conv models, the fully connected layers after the convolutions.</summary>
    [JsonPropertyName("hidden")] public int[] Hidden { get; init; } = [400];

    /// <summary>Latent dimension L.</summary>
    [JsonPropertyName("latent_dim")] public int LatentDim { get; init; } = 20;

    /// <summary>Hidden-layer activation.</summary>
    [JsonPropertyName("activation")] public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Negative slope of LeakyReLU.</summary>
    [JsonPropertyName("leaky_slope")] public double LeakySlope { get; init; } = 0.01;

    /// <summary>Bernoulli (data in [0,1]) or Gaussian (real-valued data).</summary>
    [JsonPropertyName("likelihood")] public Likelihood Likelihood { get; init; } = Likelihood.Bernoulli;

    /// <summary>Gaussian decoders: a learned per-feature log-variance, or unit variance in the scaled space.</summary>
    [JsonPropertyName("gaussian_variance")] public GaussianVariance GaussianVariance { get; init; } = GaussianVariance.Learned;

    /// <summary>Channels of the two stride-2 convolutions of a conv model.</summary>
    [JsonPropertyName("conv_channels")] public int[] ConvChannels { get; init; } = [32, 64];

    /// <summary>
    /// Conditional models: the categorical condition c of q(z|x,c) and p(x|z,c); null for an unconditional model (and then
    /// left out of the JSON, so that existing checkpoints and pairs read and write unchanged).
    /// </summary>
    [JsonPropertyName("condition"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConditionSpec? Condition { get; init; }

    /// <summary>The posterior family: a diagonal Gaussian, or the Gaussian followed by an inverse autoregressive flow.</summary>
    [JsonPropertyName("posterior"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public PosteriorKind Posterior { get; init; } = PosteriorKind.Gaussian;

    /// <summary>IAF posteriors: the number of flow steps S.</summary>
    [JsonPropertyName("flow_steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int FlowSteps { get; init; }

    /// <summary>IAF posteriors: hidden units of each step's masked autoregressive network.</summary>
    [JsonPropertyName("flow_hidden"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int FlowHidden { get; init; }

    /// <summary>Width K of the one-hot condition (0 for an unconditional model).</summary>
    [JsonIgnore] public int ConditionDim => Condition?.Dim ?? 0;

    /// <summary>True for an IAF posterior.</summary>
    [JsonIgnore] public bool HasFlow => Posterior == PosteriorKind.Iaf;

    /// <summary>Flattened input size D.</summary>
    [JsonIgnore] public int InputDim => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>True for a Bernoulli decoder.</summary>
    [JsonIgnore] public bool IsBernoulli => Likelihood == Likelihood.Bernoulli;

    /// <summary>Checks the combination and says which field is wrong and what was expected.</summary>
    /// <param name="origin">Where the architecture came from (a file or "options"), named in the message.</param>
    public void Validate(string origin)
    {
        void Fail(string field, string problem) => throw new ArgumentException($"{origin}: architecture field '{field}' {problem}.");
        if (!Enum.IsDefined(Kind)) Fail("kind", $"is {(int)Kind}; expected {EnumText.Choices<ModelKind>()}");
        if (InputShape is null || InputShape.Length == 0 || InputShape.Any(d => d <= 0)) Fail("input_shape", "must be positive dims like [784] or [1,28,28]");
        // InputDim is an int product: a shape whose product overflows would silently wrap.
        if (InputShape!.Aggregate(1L, (a, b) => Math.Min(a * b, long.MaxValue / int.MaxValue)) > int.MaxValue)
            Fail("input_shape", $"is [{string.Join(",", InputShape!)}]; expected at most {int.MaxValue} features in all");
        if (Hidden is null || Hidden.Length == 0 || Hidden.Any(h => h <= 0)) Fail("hidden", "must list at least one positive layer size");
        if (LatentDim <= 0) Fail("latent_dim", $"is {LatentDim}; expected a positive number");
        if (!Enum.IsDefined(Activation)) Fail("activation", $"is {(int)Activation}; expected {EnumText.Choices<Activation>()}");
        if (!Enum.IsDefined(Likelihood)) Fail("likelihood", $"is {(int)Likelihood}; expected {EnumText.Choices<Likelihood>()}");
        if (!Enum.IsDefined(GaussianVariance)) Fail("gaussian_variance", $"is {(int)GaussianVariance}; expected {EnumText.Choices<GaussianVariance>()}");
        if (!Enum.IsDefined(Posterior)) Fail("posterior", $"is {(int)Posterior}; expected {EnumText.Choices<PosteriorKind>()}");
        if (Posterior == PosteriorKind.Iaf && (FlowSteps < 1 || FlowSteps > 64)) Fail("flow_steps", $"is {FlowSteps}; an IAF posterior needs 1 to 64 steps");
        if (Posterior == PosteriorKind.Iaf && FlowHidden < 1) Fail("flow_hidden", $"is {FlowHidden}; an IAF posterior needs a positive width");
        if (Posterior == PosteriorKind.Gaussian && (FlowSteps != 0 || FlowHidden != 0)) Fail("flow_steps", "is set, but only an IAF posterior has flow steps");
        if (Posterior == PosteriorKind.Iaf && LatentDim < 2) Fail("latent_dim", "is 1; an autoregressive flow needs at least 2 latent units");
        Condition?.Validate($"{origin}: architecture field 'condition'");
        // Table (mixed) pairs take one input per column and score through their own graph; they have no flow yet.
        if (Likelihood == Likelihood.Mixed && Posterior == PosteriorKind.Iaf) Fail("posterior", "is iaf, but a table (mixed-likelihood) model has the Gaussian posterior only");
        if (Kind == ModelKind.Conv)
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
                if (Kind == ModelKind.Conv)
                {
                    c1 = ConvChannels[0];
                    c2 = ConvChannels[1];
                    total += c1 * c * 16 + c1 + c2 * c1 * 16 + c2; // conv1, conv2 (4x4 kernels)
                    width = c2 * (InputShape[1] / 4) * (InputShape[2] / 4);
                }
                long previous = width, conditions = ConditionDim;
                foreach (long h in Hidden) { total += previous * h + h; previous = h; }
                total += 2 * (previous * latent + latent); // mu and logvar heads
                if (Posterior == PosteriorKind.Iaf)
                {
                    long f = FlowHidden; // per step: masked input layer, context projection, mean and gate heads
                    total += FlowSteps * (latent * f + f + previous * f + 2 * (f * latent + latent));
                }
                total += conditions * (Hidden[0] + Hidden[^1]); // the condition's projections into the first layers
                previous = latent;
                foreach (long h in Enumerable.Reverse(Hidden)) { total += previous * h + h; previous = h; }
                total += previous * width + width; // fc_out
                if (Kind == ModelKind.Conv) total += c2 * c1 * 16 + c1 + c1 * c * 16 + c; // deconv1, deconv2
                return total + inputDim; // decoder_logvar
            }
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }
}
