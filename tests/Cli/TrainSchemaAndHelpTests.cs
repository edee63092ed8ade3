using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeOnnx.Contract;
using VaeOnnx.Tests.Tables;
using VaeOnnx.Training.Checkpoints;

namespace VaeOnnx.Tests.Cli;

/// <summary>What <c>vae train</c> prints besides epoch lines: a table model's schema in a log, and help defaults that are what runs.</summary>
[TestClass]
public sealed class TrainSchemaAndHelpTests
{
    [TestMethod]
    public void ATableRunPrintsItsSchemaOnceAndJsonStaysAlone()
    {
        var folder = RepoPaths.NewTempFolder("train-schema");
        var data = TableFiles.Customers(folder, rows: 200);
        var checkpoint = Path.Combine(folder, "run");
        var run = CliRun.Invoke(["train", "--data", data, .. TrainEpochLinesTests.TinyModel, "--epochs", "1", "--out", checkpoint, "--json"]);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using (var json = JsonDocument.Parse(run.Output))
            CollectionAssert.AreEqual(
                new[] { "test_neg_elbo", "test_recon", "test_kl", "iw_log_px", "iw_samples", "iw_rows", "active_units", "samples_per_s", "checkpoint", "stop_reason" },
                json.RootElement.EnumerateObject().Select(p => p.Name).ToArray(), "stdout is the same JSON object as before");

        var schema = VaeCheckpoint.ReadInfo(checkpoint).Table!;
        var log = run.Error.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int title = log.FindIndex(l => l.StartsWith("columns: 5 (", StringComparison.Ordinal));
        Assert.IsTrue(title >= 0, run.Error);
        StringAssert.EndsWith(log[title], ", ignored: id");
        Assert.AreEqual(1, log.Count(l => l.StartsWith("columns: ", StringComparison.Ordinal)), "printed once");
        Assert.IsTrue(Regex.IsMatch(log[title + 1], @"^  column +kind +values +blank$"), log[title + 1]);
        for (int i = 0; i < schema.Columns.Count; i++)
        {
            var c = schema.Columns[i];
            var cells = Regex.Split(log[title + 2 + i].Trim(), " {2,}");
            var blank = (100 * c.MissingRate).ToString("F1", CultureInfo.InvariantCulture) + "%";
            CollectionAssert.AreEqual(new[] { c.Name, EnumText.Of(c.Kind), cells[2], blank }, cells, log[title + 2 + i]);
        }
        Assert.IsTrue(schema.Column("amount")!.MissingRate > 0.03, "the generator leaves about 10% of amounts blank");
        var rows = log.Skip(title + 2).Take(3).Select(l => Regex.Split(l.Trim(), " {2,}")).ToArray();
        CollectionAssert.AreEqual(new[] { "city", "categorical", "Berlin, Paris, Rome (3 categories)", "0.0%" }, rows[0]);
        CollectionAssert.AreEqual(new[] { "vip", "boolean", "yes / no", "0.0%" }, rows[1]);
        var age = schema.Column("age")!;
        Assert.AreEqual(FormattableString.Invariant($"{age.Min:F1}..{age.Max:F1}"), rows[2][2]);
    }

    [TestMethod]
    public void HelpClaimsNoDefaultThatDoesNotRun()
    {
        var help = CliRun.Invoke("train", "--help");
        Assert.AreEqual(0, help.ExitCode, help.ToString());
        StringAssert.DoesNotMatch(help.Output, new Regex(@"\[default: Bernoulli\]"));
        var likelihood = Line(help.Output, "--likelihood");
        StringAssert.Contains(likelihood, "mixed when it is a file (a CSV table), bernoulli otherwise (an IDX image folder); with --resume, the checkpoint's");
        Assert.IsFalse(likelihood.Contains("[default:", StringComparison.Ordinal), likelihood);
        var epochs = Line(help.Output, "--epochs");
        StringAssert.Contains(epochs, "default 10; with --resume, the total to reach, default the checkpoint's");
        Assert.IsFalse(epochs.Contains("[default:", StringComparison.Ordinal), epochs);
        Assert.IsFalse(Line(help.Output, "--data").Contains("[default:", StringComparison.Ordinal));
    }

    private static string Line(string text, string option) => text.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
}
