using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Classifier;

/// <summary>
/// The small convolutional classifier whose penultimate layer is the feature space of the sample-quality figure (a
/// Fréchet distance between real and generated images, in the manner of FID): two stride-2 4x4 convolutions
/// (1→32→64 channels, ReLU), a fully connected layer of <see cref="FeatureDim"/> ReLU units (the features), and the class
/// logits. Input: [N, H*W] pixels in [0,1], unflattened inside, so that the exported graph takes the rows a VAE decodes.
/// </summary>
public sealed class ImageClassifier : nn.Module<Tensor, (Tensor Logits, Tensor Features)>
{
    /// <summary>Units of the feature layer.</summary>
    public const int FeatureDim = 128;

    /// <summary>From pixels to the feature layer's activations.</summary>
    public readonly Sequential features;

    /// <summary>The class logits from the features.</summary>
    public readonly Linear head;

    /// <summary>Builds the classifier for <paramref name="height"/> x <paramref name="width"/> images (divisible by 4) and <paramref name="classes"/> classes.</summary>
    public ImageClassifier(int height, int width, int classes) : base(nameof(ImageClassifier))
    {
        if (height % 4 != 0 || width % 4 != 0) throw new ArgumentException($"images of {height}x{width}; the classifier needs sides divisible by 4");
        if (classes < 2) throw new ArgumentException($"{classes} classes; a classifier needs at least 2");
        Height = height;
        Width = width;
        Classes = classes;
        features = nn.Sequential(
            ("unflatten", nn.Unflatten(1, [1, height, width])),
            ("conv1", nn.Conv2d(1, 32, kernel_size: 4, stride: 2, padding: 1)),
            ("act_conv1", nn.ReLU()),
            ("conv2", nn.Conv2d(32, 64, kernel_size: 4, stride: 2, padding: 1)),
            ("act_conv2", nn.ReLU()),
            ("flatten", nn.Flatten(1)),
            ("fc", nn.Linear(64 * (height / 4) * (width / 4), FeatureDim)),
            ("act_fc", nn.ReLU()));
        head = nn.Linear(FeatureDim, classes);
        RegisterComponents();
    }

    /// <summary>Image height.</summary>
    public int Height { get; }
    /// <summary>Image width.</summary>
    public int Width { get; }
    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <inheritdoc />
    public override (Tensor Logits, Tensor Features) forward(Tensor x)
    {
        var h = features.forward(x);
        return (head.forward(h), h);
    }
}
