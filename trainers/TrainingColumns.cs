using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Trainers;

/// <summary>
/// The columns a fit reads, checked against the input schema before anything is read: table columns or one vector
/// column, the label (left out of the features, and not read), and the condition.
/// </summary>
/// <param name="Table">Table models: the feature columns, in the schema's order; empty for a vector model.</param>
/// <param name="Vector">Plain models: the one vector of Single; null for a table model.</param>
/// <param name="Condition">Table models: the condition column; null for none.</param>
internal sealed record TrainingColumns(IReadOnlyList<string> Table, DataViewSchema.Column? Vector, string? Condition)
{
    private const string Kinds = "Text, Boolean, Single, Double, Int32, Int64 or DateTime (table columns), or one vector of Single";

    /// <summary>The columns of <paramref name="schema"/> that <paramref name="options"/> name or leave to inference.</summary>
    /// <exception cref="ArgumentException">A column is missing or of a type no kind covers, a vector stands beside other feature columns, or the label is neither Single nor Boolean.</exception>
    public static TrainingColumns Select(DataViewSchema schema, VaeAnomalyTrainer.Options options)
    {
        var label = schema.GetColumnOrNull(options.LabelColumnName);
        if (label is { } l && l.Type != NumberDataViewType.Single && l.Type is not BooleanDataViewType)
            throw new ArgumentException($"label column '{l.Name}' is {l.Type}; expected Single or Boolean (or leave the column out: training does not read it)", "input");
        DataViewSchema.Column? condition = options.ConditionColumnName is { } c ? Find(schema, c, "condition") : null;
        if (condition is { Type: not TextDataViewType })
            throw new ArgumentException($"condition column '{condition.Value.Name}' is {condition.Value.Type}; expected Text (the segment of each row)", "input");
        var features = Features(schema, options, condition?.Name);
        var vectors = features.Where(f => f.Type is VectorDataViewType).ToArray();
        if (vectors.Length == 0) return new TrainingColumns(features.Select(f => f.Name).ToArray(), null, condition?.Name);
        var vector = vectors[0];
        if (features.Length > 1)
            throw new ArgumentException($"column '{vector.Name}' is a vector beside the columns {string.Join(", ", features.Where(f => f.Name != vector.Name).Select(f => $"'{f.Name}'"))}; "
                + "train on table columns or on one vector column (set FeatureColumnNames, or IgnoreColumnNames)", "input");
        if (vector.Type is not VectorDataViewType { ItemType: var item, Size: > 0 } || item != NumberDataViewType.Single)
            throw new ArgumentException($"column '{vector.Name}' is {vector.Type}; a vector feature column holds a known number of Single values", "input");
        if (condition is not null)
            throw new ArgumentException($"condition column '{condition.Value.Name}' given with the vector column '{vector.Name}'; a condition is for table models", "input");
        return new TrainingColumns([], vector, null);
    }

    private static DataViewSchema.Column[] Features(DataViewSchema schema, VaeAnomalyTrainer.Options options, string? condition)
    {
        var chosen = options.FeatureColumnNames is { } names
            ? names.Select(n => Find(schema, n, "feature")).ToArray()
            : schema.Where(c => !c.IsHidden && c.Name != options.LabelColumnName && c.Name != condition && !options.IgnoreColumnNames.Contains(c.Name)).ToArray();
        if (chosen.Length == 0) throw new ArgumentException("no feature columns: the input has none besides the label, the condition and the ignored ones", "input");
        foreach (var column in chosen)
        {
            if (column.Name == options.LabelColumnName) throw new ArgumentException($"column '{column.Name}' is the label column; a label is never a feature", "input");
            if (column.Type is not VectorDataViewType && !TableRowInput.Accepts(column.Type))
                throw new ArgumentException($"column '{column.Name}' is {column.Type}; a feature column is {Kinds} (leave it out with IgnoreColumnNames)", "input");
        }
        return chosen;
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"no {role} column '{name}'; the columns are {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}", "input");
}
