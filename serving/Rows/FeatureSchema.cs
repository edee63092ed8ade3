using System.Runtime.CompilerServices;
using VaeOnnx.Inference;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// The input a request must give for one pair: a value per feature, by position (a row as an array) or by name (a row as
/// an object; names are matched as text, so a feature named "1" is the key "1", not the second position).
/// </summary>
public sealed class FeatureSchema
{
    private static readonly ConditionalWeakTable<VaeModel, FeatureSchema> Cache = new();
    private readonly Dictionary<string, int> _byName;

    private FeatureSchema(IReadOnlyList<FeatureColumn> columns, string what)
    {
        Columns = columns;
        What = what;
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in columns)
            if (column.Name is not null) _byName.TryAdd(column.Name, column.Index);
    }

    /// <summary>The features, in input order.</summary>
    public IReadOnlyList<FeatureColumn> Columns { get; }

    /// <summary>Values per row.</summary>
    public int Width => Columns.Count;

    /// <summary>True when rows may be objects keyed by feature name.</summary>
    public bool HasNames => _byName.Count == Columns.Count;

    /// <summary>What a row is, for error messages ("5 features: temp, pressure, ..." or "784 values").</summary>
    public string What { get; }

    /// <summary>The position of the feature named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _byName.TryGetValue(name, out int index) ? index : -1;

    /// <summary>The schema of a pair's encoder input (cached per loaded pair).</summary>
    public static FeatureSchema ForInput(VaeModel model) => Cache.GetValue(model, m =>
    {
        var names = m.FeatureNames;
        var columns = Enumerable.Range(0, m.InputDim).Select(i => new FeatureColumn(names?[i], i, FeatureKind.Numeric)).ToArray();
        var what = names is null ? $"{m.InputDim} numbers" : $"{m.InputDim} features ({Shorten(names)})";
        return new FeatureSchema(columns, what);
    });

    /// <summary>The schema of a latent vector (the decoder's input): L unnamed numbers.</summary>
    public static FeatureSchema ForLatent(VaeModel model) =>
        new(Enumerable.Range(0, model.LatentDim).Select(i => new FeatureColumn(null, i, FeatureKind.Numeric)).ToArray(), $"{model.LatentDim} latent numbers");

    private static string Shorten(IReadOnlyList<string> names) =>
        names.Count <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + $", ... ({names.Count - 8} more)";
}
