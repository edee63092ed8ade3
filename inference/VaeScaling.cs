using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Inference;

/// <summary>The input scaling a model was trained with (scaled = (raw - offset) * scale), read from the graphs' metadata.</summary>
public sealed record VaeScaling
{
    /// <summary>"none", "minmax" or "standardize".</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "none";
    /// <summary>Per-feature offset.</summary>
    [JsonPropertyName("offset")] public float[] Offset { get; init; } = [];
    /// <summary>Per-feature scale.</summary>
    [JsonPropertyName("scale")] public float[] Scale { get; init; } = [];

    /// <summary>The identity for D features.</summary>
    public static VaeScaling Identity(int features) => new() { Offset = new float[features], Scale = Enumerable.Repeat(1f, features).ToArray() };

    /// <summary>Parses and checks the metadata value.</summary>
    public static VaeScaling Parse(string json, int features, string file)
    {
        VaeScaling? scaling;
        try
        {
            scaling = JsonSerializer.Deserialize<VaeScaling>(json);
        }
        catch (JsonException e)
        {
            throw new VaeModelLoadException($"{file}: metadata '{Contract.VaeMetadataKeys.Scaling}' is not valid JSON ({e.Message})", e);
        }
        if (scaling is null || scaling.Offset.Length != features || scaling.Scale.Length != features
            || scaling.Offset.Any(v => !float.IsFinite(v)) || scaling.Scale.Any(v => !float.IsFinite(v) || v == 0))
            throw new VaeModelLoadException($"{file}: metadata '{Contract.VaeMetadataKeys.Scaling}' must hold {features} finite offsets and non-zero scales");
        return scaling;
    }
}
