using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// Per-feature affine scaling, scaled = (raw - offset) * scale, fitted on the training split and stored with the model
/// (checkpoint and ONNX metadata) so inference applies exactly the same transform. The exported graphs already apply it
/// (raw units in and out); consumers use it to compute likelihoods in the space the model was trained in.
/// </summary>
public sealed record FeatureScaling
{
    /// <summary>How it was fitted.</summary>
    [JsonPropertyName("kind")] public ScalingKind Kind { get; init; } = ScalingKind.None;

    /// <summary>Subtracted from raw values.</summary>
    [JsonPropertyName("offset")] public float[] Offset { get; init; } = [];

    /// <summary>Multiplies the shifted values.</summary>
    [JsonPropertyName("scale")] public float[] Scale { get; init; } = [];

    /// <summary>True when the transform changes nothing.</summary>
    [JsonIgnore] public bool IsIdentity => Offset.All(o => o == 0) && Scale.All(s => s == 1);

    /// <summary>The identity for <paramref name="features"/> features.</summary>
    public static FeatureScaling Identity(int features) =>
        new() { Kind = ScalingKind.None, Offset = new float[features], Scale = Enumerable.Repeat(1f, features).ToArray() };

    /// <summary>
    /// True when scaled values are clipped to [0,1] for a decoder of <paramref name="likelihood"/>: min-max scaling for a
    /// Bernoulli decoder. The range is fitted on the training split, so validation, test and scored rows can fall outside it,
    /// and binary cross-entropy on logits with a target outside [0,1] is unbounded below. The exported encoder applies the
    /// same clip after its scaling nodes.
    /// </summary>
    public bool ClipsToUnitInterval(Likelihood likelihood) => Kind == ScalingKind.MinMax && likelihood == Likelihood.Bernoulli;

    /// <summary>Maps scaled values (row-major, <see cref="Offset"/>.Length per row) back to raw units, in place.</summary>
    public void Unscale(Span<float> rowMajor)
    {
        int d = Offset.Length;
        for (int i = 0; i < rowMajor.Length; i++) rowMajor[i] = rowMajor[i] / Scale[i % d] + Offset[i % d];
    }

    /// <summary>Checks that offsets and scales cover <paramref name="features"/> features with finite values.</summary>
    /// <exception cref="InvalidDataException">What is wrong, without a file name (the caller knows the file).</exception>
    public void Validate(int features)
    {
        if (!Enum.IsDefined(Kind)) throw new InvalidDataException($"kind is {(int)Kind}; expected {EnumText.Choices<ScalingKind>()}");
        if (Offset is null || Scale is null || Offset.Length != features || Scale.Length != features)
            throw new InvalidDataException($"offset/scale have {Offset?.Length ?? 0}/{Scale?.Length ?? 0} values; expected {features}");
        if (Offset.Any(v => !float.IsFinite(v)) || Scale.Any(v => !float.IsFinite(v) || v == 0))
            throw new InvalidDataException("offset and scale must be finite and scale non-zero");
    }

    /// <summary>Parses and checks a metadata value; a bad one is a <see cref="ModelFileException"/> naming the file and the key.</summary>
    public static FeatureScaling Parse(string json, int features, string file)
    {
        FeatureScaling? scaling;
        try
        {
            scaling = JsonSerializer.Deserialize<FeatureScaling>(json);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(file, $"metadata '{VaeMetadataKeys.Scaling}' is not valid JSON ({e.Message})", e);
        }
        try
        {
            if (scaling is null) throw new InvalidDataException("null");
            scaling.Validate(features);
        }
        catch (InvalidDataException)
        {
            throw new ModelFileException(file, $"metadata '{VaeMetadataKeys.Scaling}' must hold {features} finite offsets and non-zero scales");
        }
        return scaling;
    }
}
