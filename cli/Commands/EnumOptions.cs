using System.CommandLine;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// Options whose values are a contract enum, spelled as every file spells them (<see cref="EnumText"/>): the choices in
/// help and errors are "bernoulli, gaussian", never the C# member names.
/// </summary>
public static class EnumOptions
{
    /// <summary>An option with a default.</summary>
    public static Option<TEnum> Create<TEnum>(string name, string description, TEnum defaultValue) where TEnum : struct, Enum
    {
        var option = new Option<TEnum>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => EnumText.TryParse<TEnum>(result.Tokens.Single().Value, out var value) ? value : default,
        };
        option.AcceptOnlyFromAmong([.. EnumText.All<TEnum>()]);
        return option;
    }

    /// <summary>An option that may be left out (null).</summary>
    public static Option<TEnum?> Optional<TEnum>(string name, string description) where TEnum : struct, Enum
    {
        var option = new Option<TEnum?>(name)
        {
            Description = description,
            CustomParser = result => EnumText.TryParse<TEnum>(result.Tokens.Single().Value, out var value) ? value : null,
        };
        option.AcceptOnlyFromAmong([.. EnumText.All<TEnum>()]);
        return option;
    }
}
