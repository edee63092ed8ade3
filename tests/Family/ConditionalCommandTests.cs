using Microsoft.ML;
using Microsoft.ML.Data;
using System.Globalization;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Export;

namespace VaeOnnx.Tests.Family;

/// <summary>The conditional VAE through the command line on the shipped Fashion-MNIST slice: train, resume, export, sample, encode.</summary>
[TestClass]
public sealed class ConditionalCommandTests
{
    private static string[][] ReadCsv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToArray();

    [TestMethod]
    public void LabelConditionTrainsResumesExportsAndSamplesASneaker()
    {
        var root = RepoPaths.NewTempFolder("cli-cvae");
        var run = Path.Combine(root, "run");
        string[] Train(int epochs, params string[] extra) =>
        [
            "train", "--data", ShippedSampleTests.Folder, "--condition-column", "label", "--hidden", "32", "--latent", "3",
            "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--batch", "100", "--max-train-rows", "1000", "--max-test-rows", "200",
            "--iw-samples", "20", "--iw-rows", "50", "--seed", "3", "--threads", "1", "--out", run, .. extra,
        ];
        var first = CliRun.Invoke(Train(1));
        Assert.AreEqual(0, first.ExitCode, first.ToString());
        var resumed = CliRun.Invoke(Train(2, "--resume"));
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        StringAssert.Contains(resumed.Error + resumed.Output, "epoch 2");
        var changed = CliRun.Invoke("train", "--data", ShippedSampleTests.Folder, "--out", run, "--resume", "--epochs", "3", "--condition-column", "other");
        Assert.AreNotEqual(0, changed.ExitCode);
        StringAssert.Contains(changed.Error, "--condition-column");

        var model = Path.Combine(root, "model");
        var export = CliRun.Invoke("export", "--checkpoint", run, "--out", model, "--latent-mixture", "auto", "--json");
        Assert.AreEqual(0, export.ExitCode, export.ToString());
        using (var json = System.Text.Json.JsonDocument.Parse(export.Output))
        {
            Assert.IsTrue(json.RootElement.GetProperty("encoder_max_abs_diff").GetDouble() <= 1e-5, export.Output);
            Assert.IsTrue(json.RootElement.GetProperty("decoder_max_abs_diff").GetDouble() <= 1e-5, export.Output);
            // A conditional pair's mixture is fitted per condition: each class gets its own components.
            int components = json.RootElement.GetProperty("latent_mixture_components").GetInt32();
            var perCondition = json.RootElement.GetProperty("latent_mixture_condition_components").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Assert.AreEqual(10, perCondition.Length, export.Output);
            Assert.IsTrue(perCondition.All(k => k >= 1), export.Output);
            Assert.AreEqual(components, perCondition.Sum(), export.Output);
        }
        var pair = VaeOnnx.Inference.VaeModel.Load(model);
        var owners = pair.LatentMixture!.ComponentConditions!;
        int sneaker = pair.Condition!.IndexOf("Sneaker");
        var ml = new MLContext(1);
        var draws = pair.Sample(ml, 8, 5, VaeOnnx.Contract.LatentSampler.Gmm, "Z", condition: "Sneaker");
        var z = draws.GetColumn<VBuffer<float>>("Z").SelectMany(v => v.DenseValues()).ToArray();
        CollectionAssert.AreEqual(pair.LatentMixture.DrawFor(Enumerable.Repeat(sneaker, 8).ToArray(), 5), z, "a Sneaker is drawn from the Sneaker codes' components");
        Assert.IsTrue(owners.Contains(sneaker));
        StringAssert.Contains(export.Error, "latent mixture:");
        OnnxChecker.AssertValid(Path.Combine(model, "decoder.onnx"));
        var inputs = OnnxChecker.RunPython("import onnx, sys; print([i.name for i in onnx.load(sys.argv[1]).graph.input])", Path.Combine(model, "decoder.onnx"));
        StringAssert.Contains(inputs.Output, "'c'", "the decoder graph takes the condition");

        var sneakers = Path.Combine(root, "sneakers.csv");
        var sample = CliRun.Invoke("sample", "--model", model, "--condition", "Sneaker", "--count", "8", "--output", sneakers);
        Assert.AreEqual(0, sample.ExitCode, sample.ToString());
        StringAssert.Contains(sample.Error, "condition Sneaker");
        var drawn = ReadCsv(sneakers);
        Assert.AreEqual(9, drawn.Length);
        Assert.AreEqual(3 + 784, drawn[0].Length);
        var bags = Path.Combine(root, "bags.csv");
        Assert.AreEqual(0, CliRun.Invoke("sample", "--model", model, "--condition", "Bag", "--count", "8", "--output", bags).ExitCode);
        var bagRows = ReadCsv(bags);
        CollectionAssert.AreEqual(drawn[1][..3], bagRows[1][..3], "the seed fixes z");
        Assert.IsTrue(Enumerable.Range(3, 784).Any(j => Math.Abs(float.Parse(drawn[1][j], CultureInfo.InvariantCulture) - float.Parse(bagRows[1][j], CultureInfo.InvariantCulture)) > 0.05),
            "a sneaker and a bag decode the same z differently");

        var gmm = Path.Combine(root, "gmm.csv");
        var mixed = CliRun.Invoke("sample", "--model", model, "--sampler", "gmm", "--condition", "Sneaker", "--count", "8", "--output", gmm);
        Assert.AreEqual(0, mixed.ExitCode, mixed.ToString());
        StringAssert.Contains(mixed.Error, "gmm sampler, condition Sneaker");
        CollectionAssert.AreNotEqual(drawn[1][..3], ReadCsv(gmm)[1][..3], "the mixture draws other codes than the prior");
        var noMixture = CliRun.Invoke("sample", "--model", VaeOnnx.Tests.Inference.ModelPairs.Image, "--sampler", "gmm", "--count", "2", "--output", gmm);
        Assert.AreEqual(2, noMixture.ExitCode, noMixture.ToString());
        StringAssert.Contains(noMixture.Error, "stores no latent mixture; export the checkpoint with --latent-mixture auto");

        var unknown = CliRun.Invoke("sample", "--model", model, "--condition", "Sandals", "--count", "2", "--output", sneakers);
        Assert.AreEqual(2, unknown.ExitCode, unknown.ToString());
        StringAssert.Contains(unknown.Error, "'Sandals' is not a value of 'label'");
        StringAssert.Contains(unknown.Error, "Sandal, Shirt, Sneaker");

        var images = Path.Combine(ShippedSampleTests.Folder, "t10k-images-idx3-ubyte.gz");
        var labels = Path.Combine(ShippedSampleTests.Folder, "t10k-labels-idx1-ubyte.gz");
        var codes = Path.Combine(root, "codes.csv");
        var encode = CliRun.Invoke("encode", "--model", model, "--input", images, "--labels", labels, "--output", codes);
        Assert.AreEqual(0, encode.ExitCode, encode.ToString());
        Assert.AreEqual(1001, ReadCsv(codes).Length);
        var missing = CliRun.Invoke("score", "--model", model, "--input", images, "--output", Path.Combine(root, "scores.csv"));
        Assert.AreNotEqual(0, missing.ExitCode);
        StringAssert.Contains(missing.Error, "give --condition VALUE");
    }
}
