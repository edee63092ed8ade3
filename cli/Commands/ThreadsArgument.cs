using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using VaeOnnx.Training.Threading;

namespace VaeOnnx.Cli.Commands;

/// <summary>The value of <c>--threads</c>: a whole number, or <c>auto</c> for the cores idle when the command starts.</summary>
public static class ThreadsArgument
{
    /// <summary>The word that asks for <see cref="AutoThreads.Measure"/>.</summary>
    public const string Auto = "auto";

    /// <summary>Parses the option's token; anything but a whole number or <see cref="Auto"/> is a usage error.</summary>
    public static int Parse(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (text == Auto) return AutoThreads.Measure();
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var threads)) return threads;
        result.AddError($"--threads: expected a whole number or '{Auto}', got '{text}'");
        return 0;
    }

    /// <summary>Whether the user asked for <see cref="Auto"/> (the command then says what it chose).</summary>
    public static bool WasAuto(ParseResult parse, Option<int> option) =>
        parse.GetResult(option) is { Tokens: [{ Value: Auto }] };
}
