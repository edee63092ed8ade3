using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// Maps single rows (what <c>PredictionEngine</c> asks for) through the engine with a block of one: each mapped row rents
/// one-row buffers, whose ONNX Runtime values are bound once, and reuses them for every prediction.
/// </summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    public ScoringRowMapper(DataViewSchema inputSchema, ScoringPlan plan)
    {
        Plan = plan;
        InputSchema = inputSchema;
        InputColumn = plan.FindInput(inputSchema);
        ConditionColumn = plan.FindCondition(inputSchema);
        OutputSchema = plan.OutputSchema(inputSchema);
    }

    public ScoringPlan Plan { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column InputColumn { get; }

    public DataViewSchema.Column? ConditionColumn { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var indices = dependingColumns.Select(c => c.Index).ToHashSet();
        bool outputs = indices.Any(i => i >= InputSchema.Count);
        return InputSchema.Where(c => indices.Contains(c.Index) || (outputs && (c.Index == InputColumn.Index || c.Index == ConditionColumn?.Index))).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new ScoredRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());
}
