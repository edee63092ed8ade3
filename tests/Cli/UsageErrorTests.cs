namespace VaeOnnx.Tests.Cli;

/// <summary>
/// Every command's out-of-range option values are usage errors: exit 2, one line on stderr naming the option as typed,
/// nothing on stdout and no work started (the required paths below do not exist, so any work would fail with exit 1).
/// </summary>
[TestClass]
public sealed class UsageErrorTests
{
    private const string Nowhere = "/nonexistent/vaeonnx";

    private static readonly Dictionary<string, string[]> Required = new()
    {
        ["train"] = ["--data", Nowhere],
        ["eval"] = ["--checkpoint", Nowhere],
        ["export"] = ["--checkpoint", Nowhere, "--out", Nowhere + "/model"],
        ["inspect"] = ["--model", Nowhere],
        ["demo"] = ["--data", Nowhere, "--out", Nowhere + "/demo"],
        ["manifold"] = ["--model", Nowhere],
        ["bench"] = ["--model", Nowhere],
        ["encode"] = ["--model", Nowhere, "--input", Nowhere + ".csv", "--output", Nowhere + "/o.csv"],
        ["decode"] = ["--model", Nowhere, "--input", Nowhere + ".csv", "--output", Nowhere + "/o.csv"],
        ["reconstruct"] = ["--model", Nowhere, "--input", Nowhere + ".csv", "--output", Nowhere + "/o.csv"],
        ["score"] = ["--model", Nowhere, "--input", Nowhere + ".csv", "--output", Nowhere + "/o.csv"],
        ["sample"] = ["--model", Nowhere, "--output", Nowhere + "/o.csv"],
    };

    public static IEnumerable<object[]> OutOfRange() =>
    [
        ["train", "--latent", "0"], ["train", "--epochs", "0"], ["train", "--batch", "0"], ["train", "--lr", "0"], ["train", "--lr", "-0.1"],
        ["train", "--lr", "NaN"], ["train", "--lr", "Infinity"], ["train", "--beta", "-1"], ["train", "--warmup", "-0.5"],
        ["train", "--threads", "-1"], ["train", "--patience", "-1"], ["train", "--validation", "1"], ["train", "--validation", "-0.1"],
        ["train", "--max-train-rows", "0"], ["train", "--max-test-rows", "0"], ["train", "--iw-samples", "-1"], ["train", "--iw-rows", "0"],
        ["train", "--hidden", "0"], ["train", "--hidden", "400,-5"], ["train", "--hidden", ","],
        ["eval", "--iw-samples", "-1"], ["eval", "--iw-rows", "0"], ["eval", "--threads", "-2"],
        ["export", "--parity-rows", "-1"],
        ["demo", "--epochs", "0"], ["demo", "--max-train-rows", "0"], ["demo", "--threads", "-1"],
        ["manifold", "--steps", "1"], ["manifold", "--steps", "101"],
        ["bench", "--rows", "0"], ["bench", "--threads", "0"], ["bench", "--sweep-blocks", "0,64"], ["bench", "--sweep-blocks", "big"],
        ["bench", "--sweep-threads", "-1"], ["bench", "--sweep-levels", "fastest"], ["bench", "--sweep-spinning", "maybe"],
        ["sample", "--count", "0"],
        ["encode", "--likelihood", "poisson"], ["decode", "--likelihood", "poisson"], ["reconstruct", "--likelihood", "poisson"],
        ["score", "--likelihood", "poisson"], ["sample", "--likelihood", "poisson"],
    ];

    [TestMethod]
    [DynamicData(nameof(OutOfRange))]
    public void OutOfRangeValuesExitWithTwoAndNameTheOption(string command, string option, string value)
    {
        var run = CliRun.Invoke([command, .. Required[command], option, value]);
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        Assert.AreEqual("", run.Output, "no work started");
        var lines = run.Error.TrimEnd('\n').Split('\n');
        Assert.AreEqual(1, lines.Length, "one line: " + run.Error);
        StringAssert.StartsWith(lines[0], "error: " + option, "the option first, as typed");
        StringAssert.EndsWith(lines[0], $"(run 'vae {command} --help' for usage)");
    }

    [TestMethod]
    public void InRangeValuesPassTheParserAndFailLaterOnTheMissingFiles()
    {
        // The same options at the edges of their ranges: accepted, so the failure is the missing file (exit 1), not usage.
        string[][] edges =
        [
            ["train", .. Required["train"], "--latent", "1", "--lr", "1e-9", "--beta", "0", "--validation", "0", "--iw-samples", "0", "--threads", "0"],
            ["eval", .. Required["eval"], "--iw-samples", "0", "--iw-rows", "1"],
            ["manifold", .. Required["manifold"], "--steps", "100"],
            ["sample", .. Required["sample"], "--count", "1", "--likelihood", "gaussian"],
        ];
        foreach (var args in edges)
        {
            var run = CliRun.Invoke(args);
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, Nowhere, run.ToString());
        }
    }

    [TestMethod]
    public void ParseErrorsAreOneLineWithTheHelpHint()
    {
        var unknown = CliRun.Invoke("train", "--latnet", "4");
        Assert.AreEqual(2, unknown.ExitCode, unknown.ToString());
        Assert.AreEqual(1, unknown.Error.TrimEnd('\n').Split('\n').Length, unknown.Error);
        StringAssert.Contains(unknown.Error, "--latnet");
        StringAssert.EndsWith(unknown.Error.TrimEnd('\n'), "(run 'vae train --help' for usage)");

        var notANumber = CliRun.Invoke("train", "--epochs", "abc");
        Assert.AreEqual(2, notANumber.ExitCode, notANumber.ToString());
        Assert.AreEqual(1, notANumber.Error.TrimEnd('\n').Split('\n').Length, notANumber.Error);
        StringAssert.Contains(notANumber.Error, "--epochs");

        // Two bad options: both named, still one line.
        var two = CliRun.Invoke("train", "--batch", "0", "--lr", "-1");
        Assert.AreEqual(2, two.ExitCode, two.ToString());
        Assert.AreEqual(1, two.Error.TrimEnd('\n').Split('\n').Length, two.Error);
        StringAssert.Contains(two.Error, "--batch is 0");
        StringAssert.Contains(two.Error, "--lr is -1");

        var noCommand = CliRun.Invoke("fly");
        Assert.AreEqual(2, noCommand.ExitCode);
        Assert.AreEqual(1, noCommand.Error.TrimEnd('\n').Split('\n').Length, noCommand.Error);
        StringAssert.EndsWith(noCommand.Error.TrimEnd('\n'), "(run 'vae --help' for usage)");
    }

    public static IEnumerable<object[]> Commands() =>
        new[] { "", "train", "eval", "export", "inspect", "demo", "manifold", "bench", "encode", "decode", "reconstruct", "score", "sample" }
            .Select(c => new object[] { c });

    [TestMethod]
    [DynamicData(nameof(Commands))]
    public void EveryHelpHasRunnableLookingExamplesAndExitsZero(string command)
    {
        var run = command == "" ? CliRun.Invoke("--help") : CliRun.Invoke(command, "--help");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.AreEqual("", run.Error);
        var lines = run.Output.Split('\n').Select(l => l.Trim()).ToList();
        int examples = lines.IndexOf("Examples:");
        Assert.IsTrue(examples >= 0, "an Examples: section in\n" + run.Output);
        var shown = lines.Skip(examples + 1).TakeWhile(l => l.Length > 0).ToList();
        Assert.IsTrue(shown.Count >= 2, $"at least two examples: {string.Join(" | ", shown)}");
        foreach (var example in shown)
            Assert.IsTrue(example.StartsWith("vae ", StringComparison.Ordinal) || example.StartsWith("dotnet run ", StringComparison.Ordinal), $"'{example}' is a command line");
        Assert.IsTrue(shown.Any(e => e.Contains($"vae {command}".TrimEnd()) || e.Contains($"-- {command}".TrimEnd())), $"an example runs vae {command}: {string.Join(" | ", shown)}");
        StringAssert.Contains(run.Output, "Usage:");
    }
}
