using System.Text.Json;
using VaeOnnx.Contract;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// The body of <c>POST /synthesize</c>: <c>{"count": N, "seed": S, "condition": {"segment": "gold"}}</c>. Without a
/// condition a conditional pair draws each row's segment in the training proportions, as <c>vae synthesize</c> does.
/// </summary>
/// <param name="Count">Rows, 1 to Vae:MaxSampleCount.</param>
/// <param name="Seed">Seed of the draws (default 1): the same seed and count give the same rows.</param>
/// <param name="Condition">The condition column's value for every row, or null.</param>
public sealed record SynthesizeRequest(int Count, int Seed = 1, string? Condition = null)
{
    private const string Shape = "{\"count\": N, \"seed\": S, \"condition\": {\"column\": \"value\"}}";

    /// <summary>Parses and checks a body against the pair's condition; every problem is a <see cref="BadRequestException"/>.</summary>
    internal static SynthesizeRequest Parse(ArraySegment<byte> body, int maxCount, ConditionSpec? condition)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid JSON: {e.Message}; expected {Shape}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new BadRequestException($"the body is {TableScoreRequest.Describe(root)}; expected {Shape}");
            int? count = null, seed = null;
            string? value = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == "count") count = Integer(property, 1, maxCount);
                else if (property.Name == "seed") seed = Integer(property, 0, int.MaxValue);
                else if (property.Name == "condition") value = ConditionValue(property.Value, condition);
                else throw new BadRequestException($"unknown property '{property.Name}'; expected {Shape}");
            }
            return new SynthesizeRequest(count ?? throw new BadRequestException($"no 'count'; expected {Shape}"), seed ?? 1, value);
        }
    }

    private static string? ConditionValue(JsonElement value, ConditionSpec? condition)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (condition is null) throw new BadRequestException("'condition' is given, but the pair was trained without a condition; leave it out");
        var expected = $"expected {{\"{condition.Column}\": one of {string.Join(", ", condition.Classes)}}}";
        if (value.ValueKind != JsonValueKind.Object) throw new BadRequestException($"'condition' is {TableScoreRequest.Describe(value)}; {expected}");
        string? chosen = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name != condition.Column || chosen is not null)
                throw new BadRequestException($"'condition' names column '{property.Name}'; the pair is conditioned on '{condition.Column}' alone: {expected}");
            chosen = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            if (!condition.Classes.Contains(chosen))
                throw new BadRequestException($"'condition', column '{condition.Column}': '{chosen}' is not a category the model was trained on; expected one of {string.Join(", ", condition.Classes)}");
        }
        return chosen ?? throw new BadRequestException($"'condition' is empty; {expected}");
    }

    private static int Integer(JsonProperty property, int min, int max)
    {
        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out long value) || value < min || value > max)
            throw new BadRequestException($"'{property.Name}' is {property.Value.GetRawText()}; expected a whole number from {min} to {max}");
        return (int)value;
    }
}
