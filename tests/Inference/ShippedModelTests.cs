using SkiaSharp;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Tests.Export;

namespace VaeOnnx.Tests.Inference;

/// <summary>The model pairs in models/ work straight after cloning, without training.</summary>
[TestClass]
public sealed class ShippedModelTests
{
    [TestMethod]
    public void EveryShippedPairLoadsPassesTheCheckerAndSamples()
    {
        var folders = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "models"));
        Assert.IsTrue(folders.Any(f => Path.GetFileName(f) == "fashion-mnist-mlp"), string.Join(", ", folders));
        foreach (var folder in folders)
        {
            var model = VaeModel.Load(folder);
            Assert.IsTrue(model.HasMetadata, folder);
            Assert.IsTrue(model.WeightsVerified, $"{folder}: the shipped pairs carry weights digests (stamped with vae verify --stamp)");
            var verify = CliRun.Invoke("verify", "--model", folder);
            Assert.AreEqual(0, verify.ExitCode, verify.ToString());
            Assert.AreEqual(784, model.InputDim);
            Assert.IsTrue(model.Metadata!.TestNegElbo < 260, folder);
            OnnxChecker.AssertValid(model.EncoderPath);
            OnnxChecker.AssertValid(model.DecoderPath);
            var png = Path.Combine(RepoPaths.NewTempFolder("shipped"), "out.png");
            var run = CliRun.Invoke("sample", "--model", folder, "--count", "64", "--png", png);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            using var bitmap = SKBitmap.Decode(png);
            Assert.AreEqual(2 + 8 * (56 + 2), bitmap.Width);
        }
    }
}
