using System.Reflection;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The text of the contract's enum values as every file and message spells it ("bernoulli", "leakyrelu", "minmax"):
/// one table per enum, read from its <see cref="JsonStringEnumMemberNameAttribute"/>s, so JSON, ONNX metadata, command
/// lines and error messages cannot drift apart.
/// </summary>
public static class EnumText
{
    /// <summary>The text of <paramref name="value"/>.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Table<TEnum>.ByValue.TryGetValue(value, out var text) ? text : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(TEnum).Name}");

    /// <summary>The text of any contract enum value, when its type is known only at run time.</summary>
    public static string Of(Enum value) =>
        value.GetType().GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? throw new ArgumentOutOfRangeException(nameof(value), value, $"not a named {value.GetType().Name}");

    /// <summary>Parses the exact text of a value (case-sensitive, as files write it).</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        if (text is not null && Table<TEnum>.ByText.TryGetValue(text, out value)) return true;
        value = default;
        return false;
    }

    /// <summary>Every text of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Table<TEnum>.Texts;

    /// <summary>The choices for a message: "bernoulli or gaussian", "none, minmax or standardize".</summary>
    public static string Choices<TEnum>() where TEnum : struct, Enum
    {
        var texts = Table<TEnum>.Texts;
        return texts.Count == 1 ? texts[0] : $"{string.Join(", ", texts.Take(texts.Count - 1))} or {texts[^1]}";
    }

    private static class Table<TEnum> where TEnum : struct, Enum
    {
        public static readonly IReadOnlyList<string> Texts;
        public static readonly Dictionary<TEnum, string> ByValue = new();
        public static readonly Dictionary<string, TEnum> ByText = new(StringComparer.Ordinal);

        static Table()
        {
            var texts = new List<string>();
            foreach (var field in typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var text = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                    ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{field.Name} has no JsonStringEnumMemberName");
                var value = (TEnum)field.GetValue(null)!;
                ByValue[value] = text;
                ByText[text] = value;
                texts.Add(text);
            }
            Texts = texts;
        }
    }
}
