using System.Globalization;
using VaeOnnx.Tests.Inference;

namespace VaeOnnx.Tests.Cli;

/// <summary>How scoring commands read a CSV: by the model's feature names when it has them, by position only when it has none.</summary>
[TestClass]
public sealed class ModelInputTests
{
    private static readonly Lazy<string> QuotedNameModel = new(TrainQuotedNameModel);

    /// <summary>A small Gaussian model trained on a CSV whose first column name holds a comma and must be quoted.</summary>
    private static string TrainQuotedNameModel()
    {
        var root = RepoPaths.NewTempFolder("cli-quoted");
        var data = Path.Combine(root, "plant.csv");
        var random = new Random(21);
        using (var writer = new StreamWriter(data))
        {
            writer.WriteLine("\"temp, C\",pressure,flow");
            for (int i = 0; i < 300; i++)
            {
                double t = random.NextDouble() * 2 - 1;
                writer.WriteLine(FormattableString.Invariant($"{20 + 5 * t},{1000 + 30 * t + random.NextDouble()},{3 * t * t + random.NextDouble() * 0.1}"));
            }
        }
        var checkpoint = Path.Combine(root, "run");
        var train = CliRun.Invoke("train", "--data", data, "--likelihood", "gaussian", "--hidden", "8", "--latent", "2", "--epochs", "2",
            "--batch", "32", "--threads", "1", "--iw-samples", "0", "--out", checkpoint, "--json");
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var model = Path.Combine(root, "model");
        var export = CliRun.Invoke("export", "--checkpoint", checkpoint, "--out", model);
        Assert.AreEqual(0, export.ExitCode, export.ToString());
        return model;
    }

    private static float[][] Score(string model, string folder, string name, string csv)
    {
        var input = Path.Combine(folder, name + ".csv");
        File.WriteAllText(input, csv);
        var output = Path.Combine(folder, name + "-scores.csv");
        var run = CliRun.Invoke("score", "--model", model, "--input", input, "--output", output);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        return File.ReadAllLines(output).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    [TestMethod]
    public void QuotedFeatureNamesSelectColumnsInAnyOrder()
    {
        var folder = RepoPaths.NewTempFolder("cli-quoted-score");
        var inOrder = Score(QuotedNameModel.Value, folder, "in-order", "\"temp, C\",pressure,flow\n21.5,1010,0.4\n17,985.5,1.9\n");
        // The same rows with the columns moved: a positional read would take flow as the temperature.
        var moved = Score(QuotedNameModel.Value, folder, "moved", "flow,\"temp, C\",pressure\n0.4,21.5,1010\n1.9,17,985.5\n");
        Assert.AreEqual(2, moved.Length);
        for (int r = 0; r < 2; r++) CollectionAssert.AreEqual(inOrder[r], moved[r], $"row {r}: score, recon, kl, sqerr");
        // A different row must score differently, or the comparison above would prove nothing.
        var swapped = Score(QuotedNameModel.Value, folder, "swapped", "\"temp, C\",pressure,flow\n0.4,21.5,1010\n");
        Assert.AreNotEqual(inOrder[0][0], swapped[0][0]);
    }

    [TestMethod]
    public void AMissingFeatureColumnIsAnErrorNamingItEvenWhenTheWidthFits()
    {
        var folder = RepoPaths.NewTempFolder("cli-missing-col");
        var input = Path.Combine(folder, "readings.csv");
        // Five columns for a five-feature model, but 'e' is missing: reading x in its place would be silently wrong.
        File.WriteAllText(input, "a,b,c,d,x\n110,1.5,0.2,0.005,45\n");
        var output = Path.Combine(folder, "scores.csv");
        var run = CliRun.Invoke("score", "--model", ModelPairs.Tabular, "--input", input, "--output", output);
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, input);
        StringAssert.Contains(run.Error, "no feature column 'e'");
        Assert.AreEqual(1, run.Error.Trim().Split('\n').Length, run.Error);
        Assert.IsFalse(File.Exists(output));

        var quoted = Path.Combine(folder, "quoted.csv");
        // Split naively on commas this header would name 'temp' and ' C': the real reader sees one column "temp, Celsius".
        File.WriteAllText(quoted, "\"temp, Celsius\",pressure,flow\n21.5,1010,0.4\n");
        var wrong = CliRun.Invoke("score", "--model", QuotedNameModel.Value, "--input", quoted, "--output", output);
        Assert.AreEqual(1, wrong.ExitCode, wrong.ToString());
        StringAssert.Contains(wrong.Error, "no feature column 'temp, C'");
    }

    [TestMethod]
    public void AModelWithoutFeatureNamesReadsACsvByPosition()
    {
        var folder = RepoPaths.NewTempFolder("cli-positional");
        var images = Path.Combine(Tests.Data.ShippedSampleTests.Folder, "t10k-images-idx3-ubyte.gz");
        var fromIdx = Path.Combine(folder, "idx-codes.csv");
        Assert.AreEqual(0, CliRun.Invoke("encode", "--model", ModelPairs.Image, "--input", images, "--output", fromIdx).ExitCode);
        // The first three test images as CSV rows under arbitrary column names: an image model has no names to select by.
        var (pixels, _, _, _) = VaeOnnx.Training.Data.IdxReader.ReadImages(images);
        var csv = Path.Combine(folder, "images.csv");
        File.WriteAllLines(csv, [string.Join(",", Enumerable.Range(0, 784).Select(i => $"p{783 - i}")),
            .. Enumerable.Range(0, 3).Select(r => string.Join(",", pixels.Skip(r * 784).Take(784).Select(v => v.ToString("R", CultureInfo.InvariantCulture))))]);
        var fromCsv = Path.Combine(folder, "csv-codes.csv");
        var run = CliRun.Invoke("encode", "--model", ModelPairs.Image, "--input", csv, "--output", fromCsv);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var expected = File.ReadAllLines(fromIdx).Take(4).ToArray();
        CollectionAssert.AreEqual(expected, File.ReadAllLines(fromCsv), "same pixels, same codes, whatever the columns are called");
    }
}
