using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// The rows of <see cref="Source"/> with the model's outputs appended, computed a block at a time by the engine. Column
/// types are the ones ML.NET's own ONNX scoring gives (what a saved and reloaded chain produces), so downstream
/// transformers fitted on either see the same schema. Serves one cursor: a block already keeps ONNX Runtime's threads busy.
/// </summary>
internal sealed class BlockScoringDataView : IDataView
{
    public BlockScoringDataView(IDataView source, ScoringPlan plan)
    {
        Source = source;
        Plan = plan;
        InputColumns = plan.FindInputs(source.Schema);
        Schema = plan.OutputSchema(source.Schema);
    }

    public IDataView Source { get; }

    public ScoringPlan Plan { get; }

    /// <summary>The columns the scoring reads (with a conditional pair's condition column).</summary>
    public IReadOnlyList<DataViewSchema.Column> InputColumns { get; }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => Source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var inputs = InputColumns.Select(c => c.Index).ToHashSet();
        var upstreamNeeded = Source.Schema.Where(c => needed.Contains(c.Index) || inputs.Contains(c.Index)).ToArray();
        return new BlockScoringCursor(this, Source.GetRowCursor(upstreamNeeded), needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
