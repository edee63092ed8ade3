using System.Globalization;
using System.Text.Json;
using VaeOnnx.Inference.Quality;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Tests.Data;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Family;

/// <summary>
/// The shipped quality classifier (models/fashion-mnist-classifier.onnx) on the shipped slice of real Fashion-MNIST test
/// images: it names them, and the Fréchet distance in its feature space tells real from real apart from real from noise.
/// </summary>
[TestClass]
public sealed class ShippedQualityClassifierTests
{
    private static string ShippedPath => Path.Combine(RepoPaths.Root, "models", "fashion-mnist-classifier.onnx");

    /// <summary>The first 1,000 real test images (samples/fashion-mnist).</summary>
    private static VaeDataset RealTest() => MnistFamilyFolder.Load(ShippedSampleTests.Folder).Test;

    [TestMethod]
    public void LoadsAndClassifiesRealTestImages()
    {
        using var classifier = QualityClassifier.Load(ShippedPath);
        CollectionAssert.AreEqual(MnistFamilyFolder.FashionMnistClasses, classifier.Classes.ToArray());
        Assert.AreEqual(784, classifier.InputDim);
        Assert.AreEqual(128, classifier.FeatureDim);
        Assert.IsTrue(classifier.TestAccuracy >= 0.88, $"metadata records a test accuracy of {classifier.TestAccuracy}");

        var test = RealTest();
        var (features, predicted) = classifier.Run(test.Features);
        Assert.AreEqual(test.Rows * 128, features.Length);
        double accuracy = (double)predicted.Where((p, i) => p == test.Labels![i]).Count() / test.Rows;
        // Its accuracy on all 10,000 test images is in its metadata; the first 1,000 should be within a few points of it.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"QUALITY shipped classifier: {accuracy:P1} of the first {test.Rows} real test images named correctly"));
        Assert.IsTrue(accuracy >= 0.88, string.Create(CultureInfo.InvariantCulture, $"{accuracy:P1} of {test.Rows} real test images named correctly"));
        Assert.IsTrue(features.All(f => f >= 0 && float.IsFinite(f)), "the features are ReLU activations");
    }

    [TestMethod]
    public void FrechetOfRealHalvesIsSmallAndOfNoiseAndTheShippedModelLarger()
    {
        using var classifier = QualityClassifier.Load(ShippedPath);
        var test = RealTest();
        int half = test.Rows / 2;
        var first = classifier.Run(test.Features.AsSpan(0, half * 784)).Features;
        var second = classifier.Run(test.Features.AsSpan(half * 784, half * 784)).Features;
        var random = new Random(7);
        var noise = classifier.Run(Enumerable.Range(0, half * 784).Select(_ => (float)random.NextDouble()).ToArray()).Features;
        double realReal = FrechetDistance.Compute(first, second, classifier.FeatureDim);
        double realNoise = FrechetDistance.Compute(first, noise, classifier.FeatureDim);
        var figures = string.Create(CultureInfo.InvariantCulture, $"real vs real {realReal:F2}, real vs uniform noise {realNoise:F2}");
        Assert.IsTrue(realReal > 0 && realReal < 25, figures);
        Assert.IsTrue(realNoise > 20 * realReal, figures);

        // vae quality on the shipped VAE's prior draws: worse than real halves, far better than noise.
        var run = CliRun.Invoke("quality", "--model", Path.Combine(RepoPaths.Root, "models", "fashion-mnist-mlp"), "--classifier", ShippedPath,
            "--data", ShippedSampleTests.Folder, "--count", "500", "--seed", "1", "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        double model = json.RootElement.GetProperty("frechet_distance").GetDouble();
        Assert.AreEqual(1000, json.RootElement.GetProperty("real_rows").GetInt32());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"QUALITY Fréchet: {figures}, shipped VAE prior draws {model:F2}"));
        Assert.IsTrue(model > realReal && model < realNoise / 5, $"{figures}, shipped VAE prior draws {model:F2}");
    }
}
