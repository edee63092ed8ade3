using System.CommandLine;
using System.Runtime.InteropServices;
using VaeOnnx.Cli.Commands;

namespace VaeOnnx.Cli;

/// <summary>
/// The <c>vae</c> command tree and its exit-code contract: 0 success, 1 a failure while running (bad file, bad data),
/// 2 a usage error (unknown option, bad value), 130 interrupted by Ctrl-C.
/// </summary>
public static class VaeCommandLine
{
    /// <summary>Exit code of a usage error.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a failure while running.</summary>
    public const int Failure = 1;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT), as shells expect.</summary>
    public const int Interrupted = 130;

    /// <summary>Prints the stack trace of a failure; off by default so users see one clear line.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print stack traces of errors.", Recursive = true };

    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("""
            vae: train variational autoencoders in C#, export them to ONNX, score them through ML.NET.
            Examples:
              vae demo --out demo-out
              vae train --epochs 10 --out runs/fmnist && vae export --checkpoint runs/fmnist --out models/fmnist
              vae score --model models/fmnist --input t10k-images-idx3-ubyte.gz --output scores.csv
            """)
        {
            Verbose,
            TrainCommand.Create(),
            EvalCommand.Create(),
            ExportCommand.Create(),
            InspectCommand.Create(),
            VerifyCommand.Create(),
            DemoCommand.Create(),
            ManifoldCommand.Create(),
            BenchCommand.Create(),
            ClassifierCommand.Create(),
            QualityCommand.Create(),
            ReportCommand.Create(),
        };
        foreach (var command in ScoringCommands.Create()) root.Add(command);
        return root;
    }

    /// <summary>One line per parse error, prefixed with the option it concerns so the user knows what to fix.</summary>
    private static string Describe(System.CommandLine.Parsing.ParseError error)
    {
        var message = string.Join(" ", error.Message.Split(['\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        for (var result = error.SymbolResult; result is not null; result = result.Parent)
            if (result is System.CommandLine.Parsing.OptionResult option)
                return message.Contains(option.Option.Name, StringComparison.Ordinal) ? message : $"{option.Option.Name}: {message}";
        return message;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given streams; returns the exit code.</summary>
    public static int Invoke(string[] args, TextWriter output, TextWriter error)
    {
        var root = Create();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            var name = command is RootCommand ? "vae" : $"vae {command.Name}";
            // One line, as every error: scripts and logs keep the hint with the error it belongs to.
            error.WriteLine($"error: {string.Join("; ", parse.Errors.Select(e => Describe(e).TrimEnd('.')))} (run '{name} --help' for usage)");
            return UsageError;
        }
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // Signals are handled below, so that a command always gets to finish its step and write its checkpoint.
            ProcessTerminationTimeout = null,
        };
        using var interrupt = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            // First Ctrl-C: ask the command to stop cleanly. A second one falls through to the default (immediate exit).
            if (interrupt.IsCancellationRequested) return;
            context.Cancel = true;
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return parse.InvokeAsync(configuration, interrupt.Token).GetAwaiter().GetResult();
    }
}
