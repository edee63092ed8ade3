using System.Text.Json;
using SkiaSharp;
using VaeOnnx.Tests.Data;

namespace VaeOnnx.Tests.Cli;

[TestClass]
public sealed class DemoCommandTests
{
    [TestMethod]
    public void DemoWritesEveryPictureTheReportAndTheModelPair()
    {
        var folder = Path.Combine(RepoPaths.NewTempFolder("demo"), "out");
        var run = CliRun.Invoke("demo", "--data", ShippedSampleTests.Folder, "--epochs", "2", "--max-train-rows", "2000", "--threads", "2", "--out", folder, "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var figures = JsonDocument.Parse(run.Output);
        foreach (var key in new[] { "test_neg_elbo", "test_recon", "test_kl", "iw_log_px", "samples_per_s", "parity_max_abs_diff" })
            Assert.IsTrue(double.IsFinite(figures.RootElement.GetProperty(key).GetDouble()), key);
        Assert.IsTrue(figures.RootElement.GetProperty("parity_max_abs_diff").GetDouble() <= 1e-5);

        var sizes = new Dictionary<string, (int W, int H)>
        {
            ["samples.png"] = (2 + 8 * 58, 2 + 8 * 58), ["reconstructions.png"] = (110 + 2 + 16 * 58, 2 + 2 * 58),
            ["interpolation.png"] = (2 + 10 * 58, 2 + 6 * 58), ["latent.png"] = (760, 600), ["loss.png"] = (720, 440),
        };
        foreach (var (name, (width, height)) in sizes)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(folder, name));
            Assert.IsNotNull(bitmap, name);
            Assert.AreEqual((width, height), (bitmap.Width, bitmap.Height), name);
            var colours = new HashSet<SKColor>();
            for (int y = 0; y < bitmap.Height; y += 3) for (int x = 0; x < bitmap.Width; x += 3) colours.Add(bitmap.GetPixel(x, y));
            Assert.IsTrue(colours.Count > 20, $"{name} is not blank ({colours.Count} colours)");
        }
        using (var latent = SKBitmap.Decode(Path.Combine(folder, "latent.png")))
        {
            // The test images of the sample hold all ten Fashion-MNIST classes: ten legend entries, in class order.
            LegendProbe.AssertLegend(latent, Enumerable.Range(0, 10).ToArray(), [], "latent.png");
        }
        var report = File.ReadAllText(Path.Combine(folder, "report.md"));
        StringAssert.Contains(report, "test negative ELBO");
        StringAssert.Contains(report, "Model: MLP 784-400-(20,20) / 20-400-784, ReLU, Bernoulli decoder; Adam 0.001 (0.9 / 0.999 / 1e-8), batch 128, 2 epochs, seed 1.");
        StringAssert.Contains(report, "2000 training and");
        StringAssert.Contains(report, "| 2 | ");
        StringAssert.Contains(report, "![");
        Assert.IsFalse(report.Contains("NaN") || report.Contains("∞"), report);
        CollectionAssert.IsSubsetOf(new[] { "encoder.onnx", "decoder.onnx", "model.json" },
            Directory.GetFiles(Path.Combine(folder, "model")).Select(Path.GetFileName).ToArray());
    }
}
