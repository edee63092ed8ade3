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

    /// <summary>
    /// Conditional pairs only: the condition (class index) each component was fitted to, so that a draw for a condition
    /// comes from the codes of that condition's training rows; null for a mixture over all codes.
    /// </summary>
    [JsonPropertyName("component_conditions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? ComponentConditions { get; init; }

    /// <summary>With <see cref="ComponentConditions"/>: how each condition's number of components was chosen, by condition index.</summary>
    [JsonPropertyName("condition_selections"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MixtureSelection?[]? ConditionSelections { get; init; }

    /// <summary>Training codes the final mixture was fitted on.</summary>
    [JsonPropertyName("fitted_rows")] public int FittedRows { get; init; }

    /// <summary>Number of components k.</summary>
    [JsonIgnore] public int Components => Weights.Length;

    /// <summary>Latent dimension L.</summary>
    [JsonIgnore] public int Dim => Means.Length == 0 ? 0 : Means[0].Length;

    /// <summary>
    /// Checks sizes and values against <paramref name="latentDim"/> and, for a mixture fitted per condition, against the
    /// pair's <paramref name="conditionDim"/> classes (0 for an unconditional pair); the message names <paramref name="origin"/>.
    /// </summary>
    public void Validate(int latentDim, string origin, int conditionDim = 0)
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
        if (ComponentConditions is { } owners)
        {
            if (conditionDim < 1) Fail("field 'component_conditions' is set but the pair has no condition");
            if (owners.Length != k || owners.Any(c => c < 0 || c >= conditionDim))
                Fail($"field 'component_conditions' needs {k} condition indices from 0 to {conditionDim - 1}");
            int empty = Enumerable.Range(0, conditionDim).FirstOrDefault(c => !owners.Contains(c), -1);
            if (empty >= 0) Fail($"condition {empty} has no component; expected at least one per condition");
        }
    }

    /// <summary>
    /// <paramref name="count"/> draws, row-major [count, L]: a component by its weight, then mean + Cholesky * eps. The same
    /// seed gives the same draws on every machine (SplitMix64 uniforms and Box-Muller, no platform random generator).
    /// A mixture fitted per condition draws here from all its components (the training rows' mix of conditions); use
    /// <see cref="DrawFor"/> to draw for given conditions.
    /// </summary>
    public float[] Draw(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more");
        return DrawRows(count, seed, _ => -1);
    }

    /// <summary>
    /// One draw per entry of <paramref name="conditions"/> (class indices), row-major [n, L]: with
    /// <see cref="ComponentConditions"/>, row r comes from the components of condition r, by their weights within it;
    /// without, the conditions are ignored and the draws equal <see cref="Draw"/>'s for the same seed.
    /// </summary>
    public float[] DrawFor(IReadOnlyList<int> conditions, int seed)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (ComponentConditions is { } owners)
        {
            int bad = -1;
            for (int r = 0; r < conditions.Count && bad < 0; r++)
                if (Array.IndexOf(owners, conditions[r]) < 0) bad = r;
            if (bad >= 0) throw new ArgumentOutOfRangeException(nameof(conditions), conditions[bad], $"row {bad}: condition {conditions[bad]} has no component in the mixture");
            return DrawRows(conditions.Count, seed, r => conditions[r]);
        }
        return DrawRows(conditions.Count, seed, _ => -1);
    }

    /// <summary>Draws the rows; <paramref name="conditionOf"/> gives a row's condition, or -1 for all components.</summary>
    private float[] DrawRows(int count, int seed, Func<int, int> conditionOf)
    {
        int l = Dim;
        var rows = new float[(long)count * l];
        var state = (ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        var eps = new double[l];
        for (int r = 0; r < count; r++)
        {
            int c = Component(SplitMix64.Uniform(ref state), conditionOf(r));
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

    /// <summary>The component that the uniform <paramref name="u"/> picks among all (condition -1) or one condition's components.</summary>
    private int Component(double u, int condition)
    {
        bool Eligible(int c) => condition < 0 || ComponentConditions![c] == condition;
        double total = condition < 0 ? 1 : Enumerable.Range(0, Components).Where(Eligible).Sum(c => Weights[c]);
        double cumulative = 0;
        int last = -1;
        for (int c = 0; c < Components; c++)
        {
            if (!Eligible(c)) continue;
            last = c;
            cumulative += Weights[c];
            if (u * total < cumulative) return c;
        }
        return last;
    }

    /// <summary>The mixture as the JSON of <see cref="VaeMetadataKeys.LatentMixture"/>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads and checks the JSON of a pair's metadata; a problem is a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static LatentMixture Parse(string json, string path, int latentDim, int conditionDim = 0)
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
            mixture.Validate(latentDim, $"metadata '{VaeMetadataKeys.LatentMixture}'", conditionDim);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, e.Message, e);
        }
        return mixture;
    }
}
