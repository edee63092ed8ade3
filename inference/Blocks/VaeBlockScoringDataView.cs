using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Blocks;

/// <summary>
/// The rows of <see cref="Source"/> with the model's outputs appended, computed a block at a time. Column types are the
/// ones ML.NET's own ONNX scoring gives (what a saved and reloaded chain produces), so downstream transformers fitted on
/// either see the same schema. Serves one cursor: a block already keeps ONNX Runtime's threads busy.
/// </summary>
public sealed class VaeBlockScoringDataView : IDataView
{
    private readonly (string Name, VaeBlockOutput Value)[] _outputs;

    /// <summary>Creates the view.</summary>
    /// <param name="source">Upstream rows.</param>
    /// <param name="runner">The pair and what to compute.</param>
    /// <param name="inputColumn">Vector column fed to the model.</param>
    /// <param name="outputs">Output columns: name, value, and the type to declare.</param>
    /// <param name="blockSize">Rows per ONNX Runtime call.</param>
    public VaeBlockScoringDataView(IDataView source, VaeBlockRunner runner, string inputColumn,
        IReadOnlyList<(string Name, VaeBlockOutput Value, DataViewType Type)> outputs, int blockSize)
    {
        if (blockSize < 1) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "block size must be at least 1");
        Source = source;
        Runner = runner;
        BlockSize = blockSize;
        InputColumn = source.Schema.GetColumnOrNull(inputColumn)
            ?? throw new ArgumentException($"input column '{inputColumn}' not found; expected a vector of {runner.InputWidth} floats");
        _outputs = outputs.Select(o => (o.Name, o.Value)).ToArray();
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(source.Schema);
        foreach (var (name, _, type) in outputs) builder.AddColumn(name, type);
        Schema = builder.ToSchema();
    }

    /// <summary>Upstream rows.</summary>
    public IDataView Source { get; }

    /// <summary>The runner.</summary>
    public VaeBlockRunner Runner { get; }

    /// <summary>Rows per block.</summary>
    public int BlockSize { get; }

    /// <summary>The model's input column in <see cref="Source"/>.</summary>
    public DataViewSchema.Column InputColumn { get; }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => Source.GetRowCount();

    /// <summary>Which output each appended column holds, by column index.</summary>
    internal VaeBlockOutput OutputAt(int columnIndex) => _outputs[columnIndex - Source.Schema.Count].Value;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var upstreamNeeded = Source.Schema.Where(c => needed.Contains(c.Index) || c.Index == InputColumn.Index).ToArray();
        return new VaeBlockScoringCursor(this, Source.GetRowCursor(upstreamNeeded), needed);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
