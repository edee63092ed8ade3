using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Blocks;

/// <summary>
/// Maps single rows (what <c>PredictionEngine</c> asks for) through the block runner with a block of one: the row's
/// buffers and the ONNX Runtime values bound to them are made once per engine and reused for every prediction.
/// </summary>
internal sealed class VaeRowMapper : IRowToRowMapper
{
    private readonly VaeBlockScoring _blocks;
    private readonly (string Name, VaeBlockOutput Value)[] _outputs;

    public VaeRowMapper(DataViewSchema inputSchema, DataViewSchema referenceOutput, VaeBlockScoring blocks)
    {
        _blocks = blocks;
        InputSchema = inputSchema;
        InputColumn = inputSchema.GetColumnOrNull(blocks.InputColumn)
            ?? throw new ArgumentException($"input column '{blocks.InputColumn}' not found; expected a vector of {blocks.Runner.InputWidth} floats");
        _outputs = blocks.Outputs.ToArray();
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var (name, _) in _outputs) builder.AddColumn(name, referenceOutput[name].Type);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column InputColumn { get; }

    public VaeBlockRunner Runner => _blocks.Runner;

    public VaeBlockOutput OutputAt(int columnIndex) => _outputs[columnIndex - InputSchema.Count].Value;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var indices = dependingColumns.Select(c => c.Index).ToHashSet();
        bool outputs = indices.Any(i => i >= InputSchema.Count);
        return InputSchema.Where(c => indices.Contains(c.Index) || (outputs && c.Index == InputColumn.Index)).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new VaeMappedRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());
}
