using System.Globalization;
using SkiaSharp;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Inference;

namespace VaeOnnx.Tests.Cli;

[TestClass]
public sealed class ScoringCommandTests
{
    private static string[][] ReadCsv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToArray();

    [TestMethod]
    public void EncodeReconstructScoreAndSampleWriteCsvWithHeaders()
    {
        var folder = RepoPaths.NewTempFolder("cli-score");
        var images = Path.Combine(ShippedSampleTests.Folder, "t10k-images-idx3-ubyte.gz");

        var encode = CliRun.Invoke("encode", "--model", ModelPairs.Image, "--input", images, "--output", Path.Combine(folder, "codes.csv"));
        Assert.AreEqual(0, encode.ExitCode, encode.ToString());
        var codes = ReadCsv(Path.Combine(folder, "codes.csv"));
        Assert.AreEqual(1001, codes.Length);
        CollectionAssert.AreEqual(Enumerable.Range(0, 6).Select(i => $"mu_{i}").Concat(Enumerable.Range(0, 6).Select(i => $"logvar_{i}")).ToArray(), codes[0]);

        // The means decode back through 'decode' from a CSV with L columns (names free).
        var muOnly = Path.Combine(folder, "mu.csv");
        File.WriteAllLines(muOnly, codes.Take(11).Select(r => string.Join(",", r.Take(6))));
        var decode = CliRun.Invoke("decode", "--model", ModelPairs.Image, "--input", muOnly, "--output", Path.Combine(folder, "decoded.csv"));
        Assert.AreEqual(0, decode.ExitCode, decode.ToString());
        var reconstruct = CliRun.Invoke("reconstruct", "--model", ModelPairs.Image, "--input", images, "--output", Path.Combine(folder, "recon.csv"));
        Assert.AreEqual(0, reconstruct.ExitCode, reconstruct.ToString());
        var decoded = ReadCsv(Path.Combine(folder, "decoded.csv"));
        var recon = ReadCsv(Path.Combine(folder, "recon.csv"));
        Assert.AreEqual("x_hat_783", decoded[0][783]);
        for (int j = 0; j < 784; j += 97)
            Assert.AreEqual(float.Parse(recon[1][j], CultureInfo.InvariantCulture), float.Parse(decoded[1][j], CultureInfo.InvariantCulture), 1e-5,
                "decode(mu) from the CSV equals reconstruct: floats are written round-trippable");

        var score = CliRun.Invoke("score", "--model", ModelPairs.Image, "--input", images, "--output", Path.Combine(folder, "scores.csv"));
        Assert.AreEqual(0, score.ExitCode, score.ToString());
        var scores = ReadCsv(Path.Combine(folder, "scores.csv"));
        CollectionAssert.AreEqual(new[] { "score", "recon", "kl", "sqerr" }, scores[0]);
        Assert.IsTrue(scores.Skip(1).All(r => float.Parse(r[0], CultureInfo.InvariantCulture) > 0));

        var png = Path.Combine(folder, "samples.png");
        var sample = CliRun.Invoke("sample", "--model", ModelPairs.Image, "--count", "16", "--seed", "4", "--output", Path.Combine(folder, "samples.csv"), "--png", png);
        Assert.AreEqual(0, sample.ExitCode, sample.ToString());
        var drawn = ReadCsv(Path.Combine(folder, "samples.csv"));
        Assert.AreEqual(17, drawn.Length);
        Assert.AreEqual("z_0", drawn[0][0]);
        Assert.AreEqual("x_hat_0", drawn[0][6]);
        using var bitmap = SKBitmap.Decode(png);
        Assert.AreEqual(2 + 4 * (56 + 2), bitmap.Width);
    }

    [TestMethod]
    public void WrongInputsFailWithOneLine()
    {
        var folder = RepoPaths.NewTempFolder("cli-score-bad");
        var narrow = Path.Combine(folder, "narrow.csv");
        File.WriteAllText(narrow, "a,b\n1,2\n");
        var run = CliRun.Invoke("score", "--model", ModelPairs.Tabular, "--input", narrow, "--output", Path.Combine(folder, "out.csv"));
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        // The model names its features a..e: the first one missing from the header is named.
        StringAssert.Contains(run.Error, "no feature column 'c'");
        Assert.IsFalse(File.Exists(Path.Combine(folder, "out.csv")));

        var noModel = CliRun.Invoke("encode", "--model", Path.Combine(folder, "none"), "--input", narrow, "--output", Path.Combine(folder, "o.csv"));
        Assert.AreEqual(1, noModel.ExitCode);
        StringAssert.Contains(noModel.Error, "model folder not found");

        var noOutput = CliRun.Invoke("sample", "--model", ModelPairs.Image);
        Assert.AreEqual(2, noOutput.ExitCode);
        StringAssert.Contains(noOutput.Error, "--png");
    }

    [TestMethod]
    public void TabularCsvColumnsAreSelectedByTheModelsFeatureNames()
    {
        var folder = RepoPaths.NewTempFolder("cli-tabular");
        var input = Path.Combine(folder, "in.csv");
        // Extra and reordered columns: the model's metadata names a..e.
        File.WriteAllText(input, "id,e,d,c,b,a\n1,45,0.005,0.2,1.5,110\n2,55,-0.004,-0.5,-2,95\n");
        var run = CliRun.Invoke("score", "--model", ModelPairs.Tabular, "--input", input, "--output", Path.Combine(folder, "s.csv"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.AreEqual(3, File.ReadAllLines(Path.Combine(folder, "s.csv")).Length);
    }
}
