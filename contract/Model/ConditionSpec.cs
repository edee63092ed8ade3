using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The condition of a conditional VAE: a categorical column given to the encoder, q(z|x,c), and to the decoder, p(x|z,c),
/// as a one-hot vector of <see cref="Dim"/> floats in the order of <see cref="Classes"/>.
/// </summary>
public sealed record ConditionSpec
{
    /// <summary>The column the condition was read from ("label" for the label file of IDX data).</summary>
    [JsonPropertyName("column")] public string Column { get; init; } = "label";

    /// <summary>The condition's values, in the order of the one-hot vector.</summary>
    [JsonPropertyName("classes")] public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>
    /// Table models: the share of each value among the training rows, in the order of <see cref="Classes"/> (what
    /// <c>vae synthesize</c> draws conditions from when none is asked for); null for the image and numeric models.
    /// </summary>
    [JsonPropertyName("proportions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Proportions { get; init; }

    /// <summary>Width K of the one-hot vector.</summary>
    [JsonIgnore] public int Dim => Classes.Count;

    /// <summary>The index of <paramref name="value"/> (exact text), or an error that lists the values.</summary>
    public int IndexOf(string value)
    {
        for (int i = 0; i < Classes.Count; i++)
            if (Classes[i] == value) return i;
        throw new ArgumentException($"'{value}' is not a value of condition '{Column}'; expected one of {string.Join(", ", Classes)}");
    }

    /// <summary>The one-hot vector of <paramref name="value"/>.</summary>
    public float[] OneHot(string value) => OneHot(IndexOf(value));

    /// <summary>The one-hot vector of class <paramref name="index"/>.</summary>
    public float[] OneHot(int index)
    {
        if (index < 0 || index >= Dim) throw new ArgumentOutOfRangeException(nameof(index), index, $"condition '{Column}' has classes 0..{Dim - 1}");
        var vector = new float[Dim];
        vector[index] = 1f;
        return vector;
    }

    /// <summary>Checks the spec; <paramref name="origin"/> names where it came from.</summary>
    public void Validate(string origin)
    {
        if (string.IsNullOrEmpty(Column)) throw new ArgumentException($"{origin}: condition field 'column' is empty; expected the name of the condition column");
        if (Classes is null || Classes.Count < 2 || Classes.Any(string.IsNullOrEmpty))
            throw new ArgumentException($"{origin}: condition field 'classes' must list at least two non-empty values");
        var duplicate = Classes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"{origin}: condition value '{duplicate.Key}' appears twice; expected distinct values");
        if (Proportions is { } p && (p.Count != Classes.Count || p.Any(v => !(v >= 0 && v <= 1)) || Math.Abs(p.Sum() - 1) > 1e-6))
            throw new ArgumentException($"{origin}: condition field 'proportions' must hold one share in [0, 1] per class ({Classes.Count}), summing to 1");
    }
}
