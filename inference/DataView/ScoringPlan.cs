using VaeOnnx.Contract;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>What a fitted transformer computes: the scoring pass, the input columns it reads, the output columns and the block size.</summary>
internal sealed record ScoringPlan(IScoringPass Pass, IReadOnlyList<RequiredInput> Inputs, IReadOnlyList<ScoredColumn> Outputs, int BlockSize)
{
    /// <summary>Table pairs: the schema whose columns the inputs are, read by name; null for the vector pairs.</summary>
    public TableSchema? Table { get; init; }

    /// <summary>Table pairs: rows scoring this or more are anomalies (the pair's calibrated threshold, float32 as the scores).</summary>
    public float Threshold => Table?.Threshold?.Score ?? float.PositiveInfinity;

    /// <summary>
    /// The input columns of <paramref name="schema"/>, each checked: the one vector column (followed by the condition column
    /// of a conditional pair), or a table's columns by name (and its condition column).
    /// </summary>
    public IReadOnlyList<DataViewSchema.Column> FindInputs(DataViewSchema schema) => Inputs.Select(i => i.Find(schema, Inputs)).ToArray();

    /// <summary>A reader of <paramref name="row"/>'s inputs (found with <see cref="FindInputs"/>).</summary>
    public IRowInput CreateInput(DataViewRow row, IReadOnlyList<DataViewSchema.Column> inputs) =>
        Table is { } table ? new TableRowInput(row, table, inputs, Pass.Model.Condition)
            : new VectorRowInput(row, inputs[0], Pass, inputs.Count > 1 ? inputs[1] : null, Pass.Model.ConditionDim);

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
