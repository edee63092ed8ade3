using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Data;

/// <summary>Per-feature affine scaling, scaled = (raw - offset) * scale, fitted on the training split and stored with the model.</summary>
public sealed record FeatureScaling
{
    /// <summary>"none", "minmax" or "standardize".</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "none";

    /// <summary>Subtracted from raw values.</summary>
    [JsonPropertyName("offset")] public float[] Offset { get; init; } = [];

    /// <summary>Multiplies the shifted values.</summary>
    [JsonPropertyName("scale")] public float[] Scale { get; init; } = [];

    /// <summary>The identity for <paramref name="features"/> features.</summary>
    public static FeatureScaling None(int features) => new() { Kind = "none", Offset = new float[features], Scale = Enumerable.Repeat(1f, features).ToArray() };

    /// <summary>Checks that offsets and scales cover <paramref name="features"/> features with finite values.</summary>
    public void Validate(int features)
    {
        if (Kind is not ("none" or "minmax" or "standardize")) throw new InvalidDataException($"kind is '{Kind}'; expected none, minmax or standardize");
        if (Offset.Length != features || Scale.Length != features)
            throw new InvalidDataException($"offset/scale have {Offset.Length}/{Scale.Length} values; expected {features}");
        if (Offset.Any(v => !float.IsFinite(v)) || Scale.Any(v => !float.IsFinite(v) || v == 0))
            throw new InvalidDataException("offset and scale must be finite and scale non-zero");
    }
}
