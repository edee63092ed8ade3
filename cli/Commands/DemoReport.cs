using System.Globalization;
using System.Text;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// The <c>report.md</c> of <c>vae demo</c>. Every setting it states is read from the architecture and training options
/// the run used, so the report cannot drift from what was trained.
/// </summary>
public static class DemoReport
{
    /// <summary>Draws from the prior in samples.png.</summary>
    public const int PriorDraws = 64;

    /// <summary>The model in words, e.g. "MLP 784-400-(20,20) / 20-400-784, ReLU, Bernoulli decoder".</summary>
    public static string DescribeModel(VaeArchitecture a)
    {
        var encoder = string.Join("-", a.Hidden);
        var decoder = string.Join("-", a.Hidden.Reverse());
        var body = a.Kind == ModelKind.Conv
            ? $"Conv {a.InputShape[0]}->{a.ConvChannels[0]}->{a.ConvChannels[1]} (4x4, stride 2) -{encoder}-({a.LatentDim},{a.LatentDim}) / " +
              $"{a.LatentDim}-{decoder}-{a.ConvChannels[1] * (a.InputShape[1] / 4) * (a.InputShape[2] / 4)} -> ConvT {a.ConvChannels[1]}->{a.ConvChannels[0]}->{a.InputShape[0]}"
            : $"MLP {a.InputDim}-{encoder}-({a.LatentDim},{a.LatentDim}) / {a.LatentDim}-{decoder}-{a.InputDim}";
        var activation = a.Activation switch { Activation.Relu => "ReLU", Activation.LeakyRelu => "LeakyReLU", Activation.Tanh => "Tanh", _ => "Sigmoid" };
        var decoderKind = a.IsBernoulli ? "Bernoulli decoder" : $"Gaussian decoder ({EnumText.Of(a.GaussianVariance)} variance)";
        return $"{body}, {activation}, {decoderKind}";
    }

    /// <summary>The optimisation settings in words, e.g. "Adam 0.001 (0.9 / 0.999 / 1e-8), batch 128, 10 epochs, seed 1".</summary>
    public static string DescribeTraining(TrainingOptions t)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"Adam {Number(t.LearningRate)} ({Number(t.AdamBeta1)} / {Number(t.AdamBeta2)} / {Number(t.AdamEps)}), batch {t.BatchSize}, ");
        text.Append(c, $"{t.Epochs} epoch{(t.Epochs == 1 ? "" : "s")}, seed {t.Seed}");
        if (t.Beta != 1) text.Append(c, $", KL weight {Number(t.Beta)}");
        if (t.WarmupEpochs > 0) text.Append(c, $", KL warm-up over {Number(t.WarmupEpochs)} epochs");
        return text.ToString();
    }

    /// <summary>A setting as people write it: 0.001, 0.999, 1e-8.</summary>
    public static string Number(double value) =>
        value != 0 && Math.Abs(value) < 1e-4 ? value.ToString("0.###e+0", CultureInfo.InvariantCulture) : value.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>The report's Markdown.</summary>
    /// <param name="f">The figures also printed with --json (data, rows, parity, times).</param>
    /// <param name="architecture">The architecture trained.</param>
    /// <param name="training">The training options used.</param>
    /// <param name="metrics">Per-epoch figures.</param>
    /// <param name="e">The final evaluation.</param>
    public static string Write(IReadOnlyDictionary<string, object?> f, VaeArchitecture architecture, TrainingOptions training,
        IReadOnlyList<EpochMetrics> metrics, EvaluationSummary e)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# VaeOnnx demo report").AppendLine();
        text.AppendLine(c, $"Data: `{f["data"]}`{((bool)f["shipped_sample"]! ? " (the Fashion-MNIST sample shipped with VaeOnnx)" : "")}, {f["train_rows"]} training and {f["test_rows"]} test images.");
        text.AppendLine(c, $"Model: {DescribeModel(architecture)}; {DescribeTraining(training)}.").AppendLine();
        text.AppendLine("| figure | value |").AppendLine("|---|---|");
        text.AppendLine(c, $"| test negative ELBO (nats/image) | {e.TestNegElbo:F2} (reconstruction {e.TestRecon:F2} + KL {e.TestKl:F2}) |");
        text.AppendLine(c, $"| importance-weighted log p(x), K={e.IwSamples}, first {e.IwRows} test images | {e.IwLogPx:F2} |");
        text.AppendLine(c, $"| active latent units (of {architecture.LatentDim}) | {e.ActiveUnits} |");
        text.AppendLine(c, $"| training throughput, last epoch (samples/s) | {e.SamplesPerSecond:F0} |");
        text.AppendLine(c, $"| ONNX Runtime vs TorchSharp, max abs difference | {(double)f["parity_max_abs_diff"]!:G3} |");
        text.AppendLine(c, $"| time: training / whole demo (s) | {(double)f["train_seconds"]!:F0} / {(double)f["total_seconds"]!:F0} |").AppendLine();
        text.AppendLine("| epoch | train -ELBO | test -ELBO |").AppendLine("|---|---|---|");
        foreach (var m in metrics) text.AppendLine(c, $"| {m.Epoch} | {m.TrainNegElbo:F2} | {m.TestNegElbo:F2} |");
        text.AppendLine();
        text.AppendLine("The pictures were made through the ML.NET chain (`VaeEncode`, `VaeDecode`, `VaeReconstruct`) on the exported ONNX pair in `model/`.").AppendLine();
        var latentCaption = architecture.LatentDim == 2
            ? "latent means (z1, z2) of test images, coloured by class"
            : "latent means of test images, first two principal components, coloured by class";
        foreach (var (name, caption) in new[] { ("samples.png", $"{PriorDraws} draws from the prior, decoded"), ("reconstructions.png", "test images (top) and their reconstructions"),
                     ("interpolation.png", "decoded straight-line walks between the latent means of two test images, one walk per row"),
                     ("latent.png", latentCaption), ("loss.png", "negative ELBO per epoch") })
            text.AppendLine(c, $"**{caption}**").AppendLine().AppendLine(c, $"![{caption}]({name})").AppendLine();
        return text.ToString();
    }
}
