using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// JSON form of the contract's enums: the lower-case texts of <see cref="EnumText"/> and nothing else. Numbers are
/// refused, so a damaged file cannot smuggle in a value outside the enum, and an unknown text names the choices.
/// </summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class ContractEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    /// <inheritdoc />
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"{reader.TokenType} where a text is expected: one of {EnumText.Choices<TEnum>()}");
        var text = reader.GetString();
        return EnumText.TryParse<TEnum>(text, out var value) ? value
            : throw new JsonException($"'{text}' is not a {typeof(TEnum).Name}; expected {EnumText.Choices<TEnum>()}");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(EnumText.Of(value));
}
