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

    /// <summary>
    /// True for a spike: one exact value that many training rows share (a price point, a zero spend, an integer code), whose
    /// <see cref="Mean"/> is that value and whose <see cref="Std"/> is a tenth of the column's last decimal place (or a
    /// thousandth of the column's standard deviation, where wider), so that only that value falls in it. Synthesis writes a spike's value exactly. Not written when false, so that a model
    /// without spikes reads as before.
    /// </summary>
    [JsonPropertyName("spike"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Spike { get; init; }
}
