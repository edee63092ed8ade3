using System.Diagnostics;

namespace VaeOnnx.Tests.Packaging;

/// <summary>One finished child process: its exit code and everything it printed.</summary>
internal sealed record ProcessRun(string Command, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    /// <summary>
    /// Runs <paramref name="file"/> in <paramref name="folder"/> and waits at most <paramref name="timeout"/> (then kills its
    /// process tree and fails). MSBuild is told not to keep worker nodes alive after the command.
    /// </summary>
    public static ProcessRun Start(string file, string folder, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        var command = $"{file} {string.Join(' ', args)}";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{command} (in {folder}) ran past {timeout.TotalSeconds:0} s and was stopped\n{output.Result}\n{error.Result}");
        }
        process.WaitForExit();
        return new ProcessRun(command, process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }

    /// <summary>Runs the dotnet command line.</summary>
    public static ProcessRun Dotnet(string folder, TimeSpan timeout, params string[] args) => Start("dotnet", folder, timeout, args);

    /// <summary>Fails the test with the whole output unless the process exited with 0.</summary>
    public ProcessRun Succeeded()
    {
        Assert.AreEqual(0, ExitCode, ToString());
        return this;
    }

    /// <summary>The value of the first "key: value" line of standard output, or null.</summary>
    public string? Fact(string key) =>
        Output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..];

    public override string ToString() => $"{Command}: exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Output}\nstderr:\n{Error}";
}
