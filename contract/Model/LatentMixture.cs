using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// A Gaussian mixture over the latent space, fitted to the training codes (the posterior means of the training rows) and
/// stored in a pair (<see cref="VaeMetadataKeys.LatentMixture"/>): sampling from it instead of the prior draws codes where
/// the decoder was trained, the "aggregate posterior" the prior only approximates. Each component has a full covariance,
/// stored as its lower-triangular Cholesky factor.
/// </summary>
public sealed record LatentMixture
{
    /// <summary>Mixing weights, one per component, summing to 1.</summary>
    [JsonPropertyName("weights")] public double[] Weights { get; init; } = [];

    /// <summary>Component means [k][L].</summary>
    [JsonPropertyName("means")] public double[][] Means { get; init; } = [];

    /// <summary>Lower-triangular Cholesky factors of the component covariances [k][L*L], row-major.</summary>
    [JsonPropertyName("cholesky")] public double[][] Cholesky { get; init; } = [];

    /// <summary>How the number of components was chosen, when it was.</summary>
    [JsonPropertyName("selection"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MixtureSelection? Selection { get; init; }

    /// <summary>Training codes the final mixture was fitted on.</summary>
    [JsonPropertyName("fitted_rows")] public int FittedRows { get; init; }

    /// <summary>Number of components k.</summary>
    [JsonIgnore] public int Components => Weights.Length;

    /// <summary>Latent dimension L.</summary>
    [JsonIgnore] public int Dim => Means.Length == 0 ? 0 : Means[0].Length;

    /// <summary>Checks sizes and values against <paramref name="latentDim"/>; the message names <paramref name="origin"/>.</summary>
    public void Validate(int latentDim, string origin)
    {
        void Fail(string problem) => throw new ArgumentException($"{origin}: latent mixture {problem}");
        int k = Weights?.Length ?? 0;
        if (k < 1 || k > 1024) Fail($"has {k} components; expected 1 to 1024");
        if (Means is null || Means.Length != k || Means.Any(m => m is null || m.Length != latentDim))
            Fail($"needs {k} means of {latentDim} values");
        if (Cholesky is null || Cholesky.Length != k || Cholesky.Any(c => c is null || c.Length != latentDim * latentDim))
            Fail($"needs {k} Cholesky factors of {latentDim}x{latentDim} values");
        if (Weights!.Any(w => !(w >= 0) || double.IsInfinity(w)) || Math.Abs(Weights!.Sum() - 1) > 1e-6)
            Fail("weights must be finite, non-negative and sum to 1");
        if (Means!.Any(m => m.Any(v => !double.IsFinite(v)))) Fail("means must be finite");
        for (int c = 0; c < k; c++)
            for (int i = 0; i < latentDim; i++)
            {
                if (!(Cholesky![c][i * latentDim + i] > 0)) Fail($"component {c}: the Cholesky factor's diagonal must be positive");
                for (int j = 0; j < latentDim; j++)
                {
                    double v = Cholesky[c][i * latentDim + j];
                    if (!double.IsFinite(v) || (j > i && v != 0)) Fail($"component {c}: the Cholesky factor must be finite and lower-triangular");
                }
            }
        if (FittedRows < 0) Fail($"field 'fitted_rows' is {FittedRows}; expected 0 or more");
    }

    /// <summary>
    /// <paramref name="count"/> draws, row-major [count, L]: a component by its weight, then mean + Cholesky * eps. The same
    /// seed gives the same draws on every machine (SplitMix64 uniforms and Box-Muller, no platform random generator).
    /// </summary>
    public float[] Draw(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more");
        int l = Dim;
        var rows = new float[(long)count * l];
        var state = (ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        var eps = new double[l];
        for (int r = 0; r < count; r++)
        {
            double u = SplitMix64.Uniform(ref state), cumulative = 0;
            int c = 0;
            for (; c < Components - 1; c++)
            {
                cumulative += Weights[c];
                if (u < cumulative) break;
            }
            for (int j = 0; j < l; j++) eps[j] = SplitMix64.StandardNormal(ref state);
            var factor = Cholesky[c];
            for (int i = 0; i < l; i++)
            {
                double v = Means[c][i];
                for (int j = 0; j <= i; j++) v += factor[i * l + j] * eps[j];
                rows[(long)r * l + i] = (float)v;
            }
        }
        return rows;
    }

    /// <summary>The mixture as the JSON of <see cref="VaeMetadataKeys.LatentMixture"/>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads and checks the JSON of a pair's metadata; a problem is a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static LatentMixture Parse(string json, string path, int latentDim)
    {
        LatentMixture? mixture;
        try
        {
            mixture = JsonSerializer.Deserialize<LatentMixture>(json);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.LatentMixture}' is not valid JSON ({e.Message})", e);
        }
        if (mixture is null) throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.LatentMixture}' is empty");
        try
        {
            mixture.Validate(latentDim, $"metadata '{VaeMetadataKeys.LatentMixture}'");
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, e.Message, e);
        }
        return mixture;
    }
}
