namespace VaeOnnx.Tests.Cli;

[TestClass]
public sealed class CommandLineErrorTests
{
    [TestMethod]
    [DataRow("train", "--epochs", "abc")]
    [DataRow("train", "--arch", "transformer")]
    [DataRow("train", "--likelihood", "poisson")]
    [DataRow("eval", "--iw-samples", "many")]
    public void BadOptionValueExitsWithTwoAndNamesTheOption(string command, string option, string value)
    {
        var run = command == "eval" ? CliRun.Invoke(command, "--checkpoint", "x", option, value) : CliRun.Invoke(command, option, value);
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, option);
        StringAssert.StartsWith(run.Error, "error: ");
    }

    [TestMethod]
    public void MissingRequiredOptionExitsWithTwo()
    {
        var run = CliRun.Invoke("eval");
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "--checkpoint");
    }

    [TestMethod]
    public void UnknownCommandExitsWithTwo()
    {
        var run = CliRun.Invoke("fly");
        Assert.AreEqual(2, run.ExitCode, run.ToString());
    }

    [TestMethod]
    public void HiddenSizesThatAreNotNumbersExitWithTwo()
    {
        var run = CliRun.Invoke("train", "--hidden", "400,x", "--data", RepoPaths.NewTempFolder("nodata"));
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "--hidden");
    }

    [TestMethod]
    public void MissingCheckpointFailsWithOneLineNamingTheFolder()
    {
        var folder = Path.Combine(RepoPaths.NewTempFolder("nockpt"), "absent");
        var run = CliRun.Invoke("eval", "--checkpoint", folder);
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, folder);
        Assert.AreEqual(1, run.Error.Trim().Split('\n').Length, "one clear line, no stack trace: " + run.Error);
    }

    [TestMethod]
    public void HelpListsExamples()
    {
        var run = CliRun.Invoke("train", "--help");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "Examples:");
        StringAssert.Contains(run.Output, "--latent");
    }
}
