using System.CommandLine;
using System.Text.Json;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// Runs a command body so that every failure becomes one clear line on stderr and exit code 1
/// (a stack trace only with <c>--verbose</c>), and usage problems found late become exit code 2.
/// </summary>
public static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/> and maps exceptions to the exit-code contract of <see cref="VaeCommandLine"/>.</summary>
    public static int Run(ParseResult parse, Func<int> body)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return body();
        }
        catch (CommandUsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return VaeCommandLine.UsageError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("interrupted.");
            return VaeCommandLine.Interrupted;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {Describe(e)}");
            if (parse.GetValue(VaeCommandLine.Verbose)) error.WriteLine(e.ToString());
            return VaeCommandLine.Failure;
        }
    }

    /// <summary>The message of an exception, with the inner cause when the outer message alone does not say it.</summary>
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException f when f.FileName is not null && !f.Message.Contains(f.FileName) => $"{f.FileName}: file not found",
        DirectoryNotFoundException d => d.Message,
        UnauthorizedAccessException u => $"permission denied: {u.Message}",
        _ => e.Message.Replace(Environment.NewLine, " "),
    };

    /// <summary>Writes one JSON object (snake_case keys given by the caller) on one line.</summary>
    public static void WriteJson(TextWriter output, object value) =>
        output.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = false }));
}
