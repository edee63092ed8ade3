using VaeOnnx.Contract;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>What a fitted transformer computes: the scoring pass, the input column, the output columns and the block size.</summary>
internal sealed record ScoringPlan(IScoringPass Pass, string InputColumn, IReadOnlyList<ScoredColumn> Outputs, int BlockSize)
{
    /// <summary>Table pairs: the columns to read, one per schema column by name; null for the vector pairs.</summary>
    public TableSchema? Table { get; init; }

    /// <summary>Table pairs: rows scoring above this are anomalies (the pair's calibrated threshold).</summary>
    public double Threshold => Table?.Threshold?.Score ?? double.PositiveInfinity;

    /// <summary>
    /// The input columns of <paramref name="schema"/>, each checked: the one vector column (followed by the condition column
    /// of a conditional pair), or a table's columns by name.
    /// </summary>
    public IReadOnlyList<DataViewSchema.Column> FindInputs(DataViewSchema schema)
    {
        if (Table is not { } table)
            return FindCondition(schema) is { } condition ? [FindInput(schema), condition] : [FindInput(schema)];
        var names = table.Columns.Select(c => (c.Name, c.Kind)).ToList();
        // A conditional table pair reads each row's condition from its own column, like the features.
        if (Pass.Model.Condition is { } spec) names.Add((spec.Column, ColumnKind.Categorical));
        return names.Select(c =>
        {
            var found = schema.GetColumnOrNull(c.Name)
                ?? throw new ArgumentException($"input column '{c.Name}' not found; the table model needs {string.Join(", ", names.Select(k => k.Name))}. Columns: {string.Join(", ", schema.Where(k => !k.IsHidden).Select(k => k.Name))}");
            if (!TableRowInput.Accepts(found.Type))
                throw new ArgumentException($"input column '{c.Name}' is {found.Type}; a {EnumText.Of(c.Kind)} column is read from Text, Boolean, Single, Double, Int32 or Int64");
            return found;
        }).ToArray();
    }

    /// <summary>A reader of <paramref name="row"/>'s inputs (found with <see cref="FindInputs"/>).</summary>
    public IRowInput CreateInput(DataViewRow row, IReadOnlyList<DataViewSchema.Column> inputs) =>
        Table is { } table ? new TableRowInput(row, table, inputs, Pass.Model.Condition)
            : new VectorRowInput(row, inputs[0], Pass, inputs.Count > 1 ? inputs[1] : null, ConditionWidth);

    /// <summary>Values per input row.</summary>
    public int InputWidth => Pass.InputWidth;

    /// <summary>A conditional pair's condition column (a vector of K floats per row, one-hot); null for an unconditional pair.</summary>
    public string? ConditionColumn { get; init; }

    /// <summary>Width K of the condition column.</summary>
    private int ConditionWidth => Pass.Model.ConditionDim;

    /// <summary>The condition column of <paramref name="schema"/>, checked, or null for an unconditional pair.</summary>
    private DataViewSchema.Column? FindCondition(DataViewSchema schema) => ConditionColumn is null ? null : Check(schema, ConditionColumn, ConditionWidth);

    /// <summary>The input column of <paramref name="schema"/>, checked: a float vector of <see cref="InputWidth"/> values.</summary>
    private DataViewSchema.Column FindInput(DataViewSchema schema)
    {
        FindCondition(schema);
        return Check(schema, InputColumn, InputWidth);
    }

    private static DataViewSchema.Column Check(DataViewSchema schema, string column, int width)
    {
        var found = schema.GetColumnOrNull(column)
            ?? throw new ArgumentException($"input column '{column}' not found; expected a vector of {width} floats. Columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}");
        if (found.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size != width)
            throw new ArgumentException($"input column '{column}' is {found.Type}; expected a vector of {width} floats (Vector<Single, {width}>)");
        return found;
    }

    /// <summary><paramref name="input"/> with the output columns appended.</summary>
    public DataViewSchema OutputSchema(DataViewSchema input)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var output in Outputs)
        {
            if (output.Value == ScoredValue.Contributions && Table is { } table)
            {
                // Slot names say which table column each contribution belongs to.
                var annotations = new DataViewSchema.Annotations.Builder();
                var names = table.Columns.Select(c => c.Name.AsMemory()).ToArray();
                annotations.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Length),
                    (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, names));
                builder.AddColumn(output.Name, output.Type, annotations.ToAnnotations());
            }
            else builder.AddColumn(output.Name, output.Type);
        }
        return builder.ToSchema();
    }

    /// <summary>The output served by the appended column at <paramref name="index"/> of a schema built on <paramref name="inputColumns"/> columns.</summary>
    public ScoredValue OutputAt(int index, int inputColumns) => Outputs[index - inputColumns].Value;
}
