using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>What a fitted transformer computes: the engine and stage, the input column, the output columns and the block size.</summary>
internal sealed record ScoringPlan(VaeScoringEngine Engine, ScoringStage Stage, string InputColumn, IReadOnlyList<ScoredColumn> Outputs, int BlockSize)
{
    /// <summary>Values per input row.</summary>
    public int InputWidth => Engine.InputWidth(Stage);

    /// <summary>A conditional pair's condition column (a vector of K floats per row, one-hot); null for an unconditional pair.</summary>
    public string? ConditionColumn { get; init; }

    /// <summary>Width K of the condition column.</summary>
    public int ConditionWidth => Engine.Model.ConditionDim;

    /// <summary>The condition column of <paramref name="schema"/>, checked, or null for an unconditional pair.</summary>
    public DataViewSchema.Column? FindCondition(DataViewSchema schema) => ConditionColumn is null ? null : Check(schema, ConditionColumn, ConditionWidth);

    /// <summary>The input column of <paramref name="schema"/>, checked: a float vector of <see cref="InputWidth"/> values.</summary>
    public DataViewSchema.Column FindInput(DataViewSchema schema)
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
        foreach (var output in Outputs) builder.AddColumn(output.Name, output.Type);
        return builder.ToSchema();
    }

    /// <summary>The output served by the appended column at <paramref name="index"/> of a schema built on <paramref name="inputColumns"/> columns.</summary>
    public ScoredValue OutputAt(int index, int inputColumns) => Outputs[index - inputColumns].Value;
}
