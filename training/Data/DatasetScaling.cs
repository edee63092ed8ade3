using VaeOnnx.Contract;

namespace VaeOnnx.Training.Data;

/// <summary>
/// Fits a <see cref="FeatureScaling"/> on the training split and applies it to data sets. Min-max maps each feature to
/// [0,1] (for a Bernoulli decoder); standardisation gives zero mean and unit variance (for a Gaussian one). A constant
/// feature gets scale 1 so it maps to 0 instead of dividing by zero.
/// </summary>
public static class DatasetScaling
{
    /// <summary>Fits a scaling of <paramref name="kind"/> on the rows of <paramref name="train"/>.</summary>
    public static FeatureScaling Fit(VaeDataset train, ScalingKind kind)
    {
        int d = train.FeatureCount;
        if (kind == ScalingKind.None) return FeatureScaling.Identity(d);
        if (train.Rows == 0) throw new ArgumentException($"{train.Source}: cannot fit '{EnumText.Of(kind)}' scaling on an empty training split.");
        var (offset, scale) = kind switch
        {
            ScalingKind.MinMax => MinMax(train),
            ScalingKind.Standardize => Standardize(train),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"expected {EnumText.Choices<ScalingKind>()}"),
        };
        return new FeatureScaling { Kind = kind, Offset = offset, Scale = scale };
    }

    /// <summary>A new data set with every row scaled and, when <paramref name="clipToUnitInterval"/> is set, clipped to [0,1].</summary>
    public static VaeDataset Apply(this FeatureScaling scaling, VaeDataset data, bool clipToUnitInterval = false)
    {
        scaling.Validate(data.FeatureCount);
        if (scaling.IsIdentity && !clipToUnitInterval) return data;
        int d = data.FeatureCount;
        var values = new float[data.Features.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % d;
            float v = (data.Features[i] - scaling.Offset[j]) * scaling.Scale[j];
            values[i] = clipToUnitInterval ? Math.Clamp(v, 0f, 1f) : v;
        }
        return new VaeDataset(data.Source, values, data.Rows, d, data.Labels, data.ImageShape, data.FeatureNames);
    }

    private static (float[] Offset, float[] Scale) MinMax(VaeDataset train)
    {
        int d = train.FeatureCount;
        var min = Enumerable.Repeat(double.PositiveInfinity, d).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, d).ToArray();
        for (int r = 0; r < train.Rows; r++)
        {
            var row = train.Row(r);
            for (int j = 0; j < d; j++) { min[j] = Math.Min(min[j], row[j]); max[j] = Math.Max(max[j], row[j]); }
        }
        var (offset, scale) = (new float[d], new float[d]);
        for (int j = 0; j < d; j++)
        {
            offset[j] = (float)min[j];
            scale[j] = max[j] > min[j] ? (float)(1.0 / (max[j] - min[j])) : 1f;
        }
        return (offset, scale);
    }

    private static (float[] Offset, float[] Scale) Standardize(VaeDataset train)
    {
        int d = train.FeatureCount;
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
        var (offset, scale) = (new float[d], new float[d]);
        for (int j = 0; j < d; j++)
        {
            double std = Math.Sqrt(m2[j] / train.Rows);
            offset[j] = (float)mean[j];
            scale[j] = std > 0 ? (float)(1.0 / std) : 1f;
        }
        return (offset, scale);
    }
}
