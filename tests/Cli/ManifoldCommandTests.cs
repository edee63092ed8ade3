using SkiaSharp;
using VaeOnnx.Cli.Commands;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Inference;

namespace VaeOnnx.Tests.Cli;

[TestClass]
public sealed class ManifoldCommandTests
{
    [TestMethod]
    public void TwoDimensionalModelDrawsTheLatentManifold()
    {
        var root = RepoPaths.NewTempFolder("manifold");
        var train = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "2", "--hidden", "64", "--latent", "2",
            "--max-train-rows", "2000", "--max-test-rows", "200", "--iw-samples", "0", "--out", Path.Combine(root, "run"), "--json");
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        Assert.AreEqual(0, CliRun.Invoke("export", "--checkpoint", Path.Combine(root, "run"), "--out", Path.Combine(root, "model")).ExitCode);
        var png = Path.Combine(root, "manifold.png");
        var run = CliRun.Invoke("manifold", "--model", Path.Combine(root, "model"), "--steps", "6", "--png", png);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var bitmap = SKBitmap.Decode(png);
        Assert.AreEqual(2 + 6 * 30, bitmap.Width);
        Assert.AreEqual(2 + 6 * 30, bitmap.Height);

        var wrong = CliRun.Invoke("manifold", "--model", ModelPairs.Image, "--png", png);
        Assert.AreEqual(2, wrong.ExitCode, wrong.ToString());
        StringAssert.Contains(wrong.Error, "latent_dim 2");
    }

    [TestMethod]
    public void NormalQuantilesMatchKnownValues()
    {
        Assert.AreEqual(0, ManifoldCommand.NormalQuantile(0.5), 1e-12);
        Assert.AreEqual(1.6448536269514722, ManifoldCommand.NormalQuantile(0.95), 1e-8);
        Assert.AreEqual(-2.3263478740408408, ManifoldCommand.NormalQuantile(0.01), 1e-8);
    }
}
