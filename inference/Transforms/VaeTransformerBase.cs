using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Base of the VaeOnnx transformers. Each maps rows through an inner chain of ML.NET's own transformers (ONNX scoring
/// and column copies), which is what gets saved: ML.NET keeps the loading of custom transformer state internal, so
/// delegating keeps <c>mlContext.Model.Save/Load</c> working with the ONNX bytes inside the zip. A loaded model therefore
/// comes back as that inner chain; it maps rows the same way.
/// </summary>
public abstract class VaeTransformerBase : ITransformer
{
    private readonly ITransformer _inner;

    /// <summary>Wraps a fitted inner chain.</summary>
    protected VaeTransformerBase(ITransformer inner, string pairId)
    {
        _inner = inner;
        PairId = pairId;
    }

    /// <summary>The pair id of the model whose graphs this transformer runs, so every result can be traced to a model.</summary>
    public string PairId { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _inner.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _inner.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _inner.Transform(input);

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx) => _inner.Save(ctx);
}
