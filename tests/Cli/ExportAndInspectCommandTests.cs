using System.Text.Json;
using VaeOnnx.Tests.Data;

namespace VaeOnnx.Tests.Cli;

[TestClass]
public sealed class ExportAndInspectCommandTests
{
    [TestMethod]
    public void ExportThenInspectAModelFolder()
    {
        var root = RepoPaths.NewTempFolder("cli-export");
        var checkpoint = Path.Combine(root, "run");
        var train = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--epochs", "1", "--hidden", "64", "--latent", "4",
            "--max-train-rows", "1000", "--max-test-rows", "300", "--iw-samples", "0", "--out", checkpoint, "--json");
        Assert.AreEqual(0, train.ExitCode, train.ToString());

        var model = Path.Combine(root, "model");
        var export = CliRun.Invoke("export", "--checkpoint", checkpoint, "--out", model, "--json");
        Assert.AreEqual(0, export.ExitCode, export.ToString());
        using (var json = JsonDocument.Parse(export.Output))
        {
            Assert.AreEqual(256, json.RootElement.GetProperty("parity_rows").GetInt32(), "parity runs on real test rows");
            Assert.IsTrue(json.RootElement.GetProperty("encoder_max_abs_diff").GetDouble() <= 1e-5);
            // x_hat is compared in raw units, each value against its own allowance: the shares say the check passed.
            Assert.AreEqual("raw", json.RootElement.GetProperty("decoder_diff_units").GetString());
            Assert.AreEqual(1e-5, json.RootElement.GetProperty("parity_tolerance").GetDouble());
            foreach (var share in new[] { "encoder_allowance_used", "decoder_allowance_used" })
                Assert.IsTrue(json.RootElement.GetProperty(share).GetDouble() is >= 0 and <= 1, share);
        }
        var text = CliRun.Invoke("export", "--checkpoint", checkpoint, "--out", model, "--force");
        Assert.AreEqual(0, text.ExitCode, text.ToString());
        StringAssert.Contains(text.Output, "rows passed: encoder max |diff|");
        StringAssert.Contains(text.Output, "decoder x_hat max |diff|");
        StringAssert.Contains(text.Output, "in raw units; each value within 1e-5 in the model's scaled space, carried to raw units plus float32 rounding; at most ");
        Assert.IsFalse(text.Output.Contains("limit", StringComparison.Ordinal), text.Output);

        var again = CliRun.Invoke("export", "--checkpoint", checkpoint, "--out", model);
        Assert.AreEqual(1, again.ExitCode, again.ToString());
        StringAssert.Contains(again.Error, "--force");

        var inspect = CliRun.Invoke("inspect", "--model", model, "--json");
        Assert.AreEqual(0, inspect.ExitCode, inspect.ToString());
        using var summary = JsonDocument.Parse(inspect.Output);
        var encoder = summary.RootElement.GetProperty("encoder.onnx");
        Assert.AreEqual("x: FLOAT[N, 784]", encoder.GetProperty("inputs")[0].GetString());
        Assert.AreEqual("4", encoder.GetProperty("metadata").GetProperty("vaeonnx.latent_dim").GetString());

        var missing = CliRun.Invoke("inspect", "--model", Path.Combine(root, "nothing.onnx"));
        Assert.AreEqual(1, missing.ExitCode);
        StringAssert.Contains(missing.Error, "nothing.onnx");
    }
}
