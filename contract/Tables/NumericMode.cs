using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>One mode of a numeric column's Gaussian mixture (<see cref="NumericEncoding.Modes"/>), in the column's raw units.</summary>
public sealed record NumericMode
{
    /// <summary>The mode's share of the training values.</summary>
    [JsonPropertyName("weight")] public required double Weight { get; init; }

    /// <summary>The mode's mean.</summary>
    [JsonPropertyName("mean")] public required double Mean { get; init; }

    /// <summary>The mode's standard deviation (above 0).</summary>
    [JsonPropertyName("std")] public required double Std { get; init; }
}
