using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>What a fitted transformer computes: the engine and stage, the input column, the output columns and the block size.</summary>
internal sealed record ScoringPlan(VaeScoringEngine Engine, ScoringStage Stage, string InputColumn, IReadOnlyList<ScoredColumn> Outputs, int BlockSize)
{
    /// <summary>Values per input row.</summary>
    public int InputWidth => Engine.InputWidth(Stage);

    /// <summary>The input column of <paramref name="schema"/>, checked: a float vector of <see cref="InputWidth"/> values.</summary>
    public DataViewSchema.Column FindInput(DataViewSchema schema)
    {
        var found = schema.GetColumnOrNull(InputColumn)
            ?? throw new ArgumentException($"input column '{InputColumn}' not found; expected a vector of {InputWidth} floats. Columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}");
        if (found.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size != InputWidth)
            throw new ArgumentException($"input column '{InputColumn}' is {found.Type}; expected a vector of {InputWidth} floats (Vector<Single, {InputWidth}>)");
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
