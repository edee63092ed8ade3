using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Blocks;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Base of the VaeOnnx transformers. Each maps rows through an inner chain of ML.NET's own transformers (ONNX scoring
/// and column copies), which is what gets saved: ML.NET keeps the loading of custom transformer state internal, so
/// delegating keeps <c>mlContext.Model.Save/Load</c> working with the ONNX bytes inside the zip. A loaded model therefore
/// comes back as that inner chain; it maps rows the same way.
/// Mapping a whole data view scores blocks of rows with one ONNX Runtime call each (see <see cref="VaeBlockScoringDataView"/>);
/// single rows (<c>PredictionEngine</c>) run the same sessions on reused one-row buffers. Dispose the transformer to close its sessions.
/// </summary>
public abstract class VaeTransformerBase : ITransformer, IDisposable
{
    private readonly ITransformer _inner;
    private readonly VaeBlockScoring? _blocks;

    /// <summary>Wraps a fitted inner chain, with block scoring when <paramref name="blocks"/> is given.</summary>
    protected VaeTransformerBase(ITransformer inner, string pairId, VaeBlockScoring? blocks)
    {
        _inner = inner;
        PairId = pairId;
        _blocks = blocks;
    }

    /// <summary>The pair id of the model whose graphs this transformer runs, so every result can be traced to a model.</summary>
    public string PairId { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _inner.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _inner.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        _blocks is null ? _inner.GetRowToRowMapper(inputSchema) : new VaeRowMapper(inputSchema, _inner.GetOutputSchema(inputSchema), _blocks);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        if (_blocks is null) return _inner.Transform(input);
        // Declare the types ML.NET's ONNX scoring would, so a reloaded (per-row) chain and this one have one schema.
        var reference = _inner.GetOutputSchema(input.Schema);
        var outputs = _blocks.Outputs.Select(o => (o.Name, o.Value, reference[o.Name].Type)).ToArray();
        return new VaeBlockScoringDataView(input, _blocks.Runner, _blocks.InputColumn, outputs, _blocks.BlockSize);
    }

    /// <summary>Closes the block scorer's ONNX Runtime sessions.</summary>
    public void Dispose() => _blocks?.Runner.Dispose();

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx) => _inner.Save(ctx);
}
