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
        InputColumns = plan.FindInputs(inputSchema);
        OutputSchema = plan.OutputSchema(inputSchema);
    }

    public ScoringPlan Plan { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    /// <summary>The columns the scoring reads (with a conditional pair's condition column).</summary>
    public IReadOnlyList<DataViewSchema.Column> InputColumns { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var indices = dependingColumns.Select(c => c.Index).ToHashSet();
        bool outputs = indices.Any(i => i >= InputSchema.Count);
        var inputs = InputColumns.Select(c => c.Index).ToHashSet();
        return InputSchema.Where(c => indices.Contains(c.Index) || (outputs && inputs.Contains(c.Index))).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new ScoredRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());
}
