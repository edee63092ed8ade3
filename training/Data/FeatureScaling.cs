using System.Text.Json.Serialization;

namespace VaeOnnx.Training.Data;

/// <summary>
/// Per-feature affine scaling, scaled = (raw - offset) * scale, fitted on the training split and stored with the model
/// (checkpoint and ONNX metadata) so inference applies exactly the same transform.
/// Min-max maps each feature to [0,1] (for a Bernoulli decoder); standardisation gives zero mean and unit variance
/// (for a Gaussian one). A constant feature gets scale 1 so it maps to 0 instead of dividing by zero.
/// </summary>
public sealed record FeatureScaling
{
    /// <summary>"none", "minmax" or "standardize".</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "none";

    /// <summary>Subtracted from raw values.</summary>
    [JsonPropertyName("offset")] public float[] Offset { get; init; } = [];

    /// <summary>Multiplies the shifted values.</summary>
    [JsonPropertyName("scale")] public float[] Scale { get; init; } = [];

    /// <summary>True when the transform changes nothing.</summary>
    [JsonIgnore] public bool IsIdentity => Offset.All(o => o == 0) && Scale.All(s => s == 1);

    /// <summary>The identity for <paramref name="features"/> features.</summary>
    public static FeatureScaling None(int features) => new() { Kind = "none", Offset = new float[features], Scale = Enumerable.Repeat(1f, features).ToArray() };

    /// <summary>Fits a scaling of <paramref name="kind"/> on the rows of <paramref name="train"/>.</summary>
    public static FeatureScaling Fit(VaeDataset train, string kind)
    {
        int d = train.FeatureCount;
        if (kind == "none") return None(d);
        if (train.Rows == 0) throw new ArgumentException($"{train.Source}: cannot fit '{kind}' scaling on an empty training split.");
        var offset = new float[d];
        var scale = new float[d];
        if (kind == "minmax")
        {
            var min = Enumerable.Repeat(double.PositiveInfinity, d).ToArray();
            var max = Enumerable.Repeat(double.NegativeInfinity, d).ToArray();
            for (int r = 0; r < train.Rows; r++)
            {
                var row = train.Row(r);
                for (int j = 0; j < d; j++) { min[j] = Math.Min(min[j], row[j]); max[j] = Math.Max(max[j], row[j]); }
            }
            for (int j = 0; j < d; j++)
            {
                offset[j] = (float)min[j];
                scale[j] = max[j] > min[j] ? (float)(1.0 / (max[j] - min[j])) : 1f;
            }
        }
        else if (kind == "standardize")
        {
            var mean = new double[d];
            var m2 = new double[d];
            for (int r = 0; r < train.Rows; r++)
            {
                var row = train.Row(r);
                for (int j = 0; j < d; j++)
                {
                    // Welford's update: stable for large values with small spread.
                    double delta = row[j] - mean[j];
                    mean[j] += delta / (r + 1);
                    m2[j] += delta * (row[j] - mean[j]);
                }
            }
            for (int j = 0; j < d; j++)
            {
                double std = Math.Sqrt(m2[j] / train.Rows);
                offset[j] = (float)mean[j];
                scale[j] = std > 0 ? (float)(1.0 / std) : 1f;
            }
        }
        else
        {
            throw new ArgumentException($"scaling kind '{kind}'; expected none, minmax or standardize.");
        }
        return new FeatureScaling { Kind = kind, Offset = offset, Scale = scale };
    }

    /// <summary>
    /// True when scaled values are clipped to [0,1] for a decoder of <paramref name="likelihood"/>: min-max scaling for a
    /// Bernoulli decoder. The range is fitted on the training split, so validation, test and scored rows can fall outside it,
    /// and binary cross-entropy on logits with a target outside [0,1] is unbounded below. The exported encoder applies the
    /// same clip after its scaling nodes.
    /// </summary>
    public bool ClipsToUnitInterval(string likelihood) => Kind == "minmax" && likelihood == "bernoulli";

    /// <summary>A new data set with every row scaled.</summary>
    public VaeDataset Apply(VaeDataset data) => Apply(data, clipToUnitInterval: false);

    /// <summary>A new data set with every row scaled and, when <paramref name="clipToUnitInterval"/> is set, clipped to [0,1].</summary>
    public VaeDataset Apply(VaeDataset data, bool clipToUnitInterval)
    {
        Validate(data.FeatureCount);
        if (IsIdentity && !clipToUnitInterval) return data;
        int d = data.FeatureCount;
        var values = new float[data.Features.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % d;
            float v = (data.Features[i] - Offset[j]) * Scale[j];
            values[i] = clipToUnitInterval ? Math.Clamp(v, 0f, 1f) : v;
        }
        return new VaeDataset(data.Source, values, data.Rows, d, data.Labels, data.ImageShape, data.FeatureNames);
    }

    /// <summary>Maps scaled values back to raw units, in place.</summary>
    public void Invert(Span<float> rowMajor)
    {
        int d = Offset.Length;
        for (int i = 0; i < rowMajor.Length; i++) rowMajor[i] = rowMajor[i] / Scale[i % d] + Offset[i % d];
    }

    /// <summary>Checks that offsets and scales cover <paramref name="features"/> features with finite values.</summary>
    public void Validate(int features)
    {
        if (Kind is not ("none" or "minmax" or "standardize")) throw new InvalidDataException($"kind is '{Kind}'; expected none, minmax or standardize");
        if (Offset is null || Scale is null || Offset.Length != features || Scale.Length != features)
            throw new InvalidDataException($"offset/scale have {Offset?.Length ?? 0}/{Scale?.Length ?? 0} values; expected {features}");
        if (Offset.Any(v => !float.IsFinite(v)) || Scale.Any(v => !float.IsFinite(v) || v == 0))
            throw new InvalidDataException("offset and scale must be finite and scale non-zero");
    }
}
