using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The metadata of a conditional pair (<see cref="VaeMetadataKeys.Condition"/>): the condition and the name of the input
/// c [N, K] that both graphs take.
/// </summary>
public sealed record ConditionInput
{
    /// <summary>Name of the condition input written by VaeOnnx.</summary>
    public const string DefaultInput = "c";

    /// <summary>The graphs' input c [N, K].</summary>
    [JsonPropertyName("input")] public string Input { get; init; } = DefaultInput;
    /// <summary>The column the condition was read from.</summary>
    [JsonPropertyName("column")] public string Column { get; init; } = "";
    /// <summary>The condition's values, in one-hot order.</summary>
    [JsonPropertyName("classes")] public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Table models: each class's share of the training rows (see <see cref="ConditionSpec.Proportions"/>); null otherwise.</summary>
    [JsonPropertyName("proportions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Proportions { get; init; }

    /// <summary>The condition as the architecture describes it.</summary>
    [JsonIgnore] public ConditionSpec Spec => new() { Column = Column, Classes = Classes, Proportions = Proportions };

    /// <summary>The metadata of <paramref name="spec"/>.</summary>
    public static ConditionInput Of(ConditionSpec spec, string input = DefaultInput) =>
        new() { Input = input, Column = spec.Column, Classes = spec.Classes, Proportions = spec.Proportions };

    /// <summary>Reads and checks the metadata JSON; a problem is a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static ConditionInput Parse(string json, string path)
    {
        ConditionInput? condition;
        try
        {
            condition = JsonSerializer.Deserialize<ConditionInput>(json);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.Condition}' is not valid JSON ({e.Message})", e);
        }
        if (condition is null || string.IsNullOrEmpty(condition.Input))
            throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.Condition}' must name the condition input");
        try
        {
            condition.Spec.Validate($"metadata '{VaeMetadataKeys.Condition}'");
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, e.Message, e);
        }
        return condition;
    }
}
