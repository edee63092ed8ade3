using System.Text.RegularExpressions;

namespace VaeOnnx.Serving.Telemetry;

/// <summary>
/// Keeps request content out of the logs: a refusal's message names the row, the column and the value for the client,
/// but its log line keeps where and why only. Quoted texts are the request's values (a cell, a condition, a JSON
/// fragment) and are written as '…', except the names a message is about: a column, a feature or a property (quoted
/// after those words, or first in the message, as in "'top' is ...").
/// </summary>
internal static partial class LogRedaction
{
    public static string Redact(string message) => Quoted().Replace(message, m => m.Groups["name"].Success ? m.Value : "'…'");

    // Every quoted text is matched whole, so that a value is never read from between two names' quotes.
    [GeneratedRegex("""(?<name>^|column |feature |property )?('[^']*'|"[^"]*")""")]
    private static partial Regex Quoted();
}
