using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// Range rules for option values, checked while parsing: a value out of range is a usage error (exit 2) that names the
/// option as the user typed it, before any data is read or any work starts.
/// </summary>
public static class OptionRanges
{
    /// <summary>Requires an integer of at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum) =>
        Rule(option, (int v) => v >= minimum, $"at least {minimum}");

    /// <summary>Requires an integer, when given, of at least <paramref name="minimum"/>.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum) =>
        Rule(option, (int? v) => v is not int i || i >= minimum, $"at least {minimum}");

    /// <summary>Requires an integer from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Option<int> Between(this Option<int> option, int minimum, int maximum) =>
        Rule(option, (int v) => v >= minimum && v <= maximum, $"from {minimum} to {maximum}");

    /// <summary>Requires a finite number above 0.</summary>
    public static Option<double> Positive(this Option<double> option) =>
        Rule(option, (double v) => v > 0 && double.IsFinite(v), "a finite number above 0");

    /// <summary>Requires a finite number of at least 0.</summary>
    public static Option<double> NotNegative(this Option<double> option) =>
        Rule(option, (double v) => v >= 0 && double.IsFinite(v), "a finite number of at least 0");

    /// <summary>Requires a fraction, when given, from 0 up to (not including) 1.</summary>
    public static Option<double?> Fraction(this Option<double?> option) =>
        Rule(option, (double? v) => v is not double d || (d >= 0 && d < 1), "a fraction from 0 up to (not including) 1");

    /// <summary>Requires a value strictly between 0 and 1.</summary>
    public static Option<double> OpenFraction(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            if (TryValue(result, out double v) && !(v > 0 && v < 1)) result.AddError($"{option.Name} must be above 0 and below 1 (e.g. 0.01), got {v.ToString(CultureInfo.InvariantCulture)}");
        });
        return option;
    }

    /// <summary>Checks an optional text option's value with <paramref name="parse"/> while parsing (its usage exceptions become parse errors).</summary>
    public static Option<string?> ParsedOrNull<T>(this Option<string?> option, Func<string, T> parse)
    {
        option.Validators.Add(result =>
        {
            try
            {
                if (result.Tokens.Count > 0) parse(result.Tokens[0].Value);
            }
            catch (CommandUsageException e)
            {
                result.AddError(e.Message);
            }
        });
        return option;
    }

    /// <summary>Requires a text that <paramref name="parse"/> accepts; its <see cref="CommandUsageException"/> message becomes the error.</summary>
    public static Option<string> Parsed<T>(this Option<string> option, Func<string, T> parse)
    {
        option.Validators.Add(result =>
        {
            if (!TryValue(result, out string? text) || text is null) return;
            try
            {
                parse(text);
            }
            catch (CommandUsageException e)
            {
                result.AddError(e.Message);
            }
        });
        return option;
    }

    private static Option<T> Rule<T>(Option<T> option, Func<T, bool> valid, string expected)
    {
        option.Validators.Add(result =>
        {
            if (TryValue(result, out T? value) && !valid(value!))
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} is {value}; expected {expected}."));
        });
        return option;
    }

    /// <summary>The converted value; false when the text did not convert, an error the parser reports on its own.</summary>
    private static bool TryValue<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
