using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Base of the VaeOnnx transformers. The pair transformers score through the pair's scoring engine: a whole data view
/// in blocks of rows with one ONNX Runtime call per graph per block, single rows (<c>PredictionEngine</c>) on reused
/// one-row buffers. What is saved is the same computation as a chain of ML.NET's own transformers, built only when
/// saving (see <see cref="SavedChain"/>); a model loaded from the zip comes back as that chain. Dispose the transformer
/// to close its ONNX Runtime sessions.
/// </summary>
public abstract class VaeTransformerBase : ITransformer, IDisposable
{
    private readonly ScoringPlan? _plan;
    private readonly ITransformer? _stock;
    private readonly Func<IEstimator<ITransformer>>? _savedForm;
    private readonly DataViewSchema? _fitSchema;
    private int _disposed;

    /// <summary>A transformer that scores through <paramref name="plan"/> and is saved as <paramref name="savedForm"/> fitted on <paramref name="fitSchema"/>.</summary>
    private protected VaeTransformerBase(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
    {
        PairId = pairId;
        _plan = plan;
        _savedForm = savedForm;
        _fitSchema = fitSchema;
    }

    /// <summary>A transformer that scores, and is saved, as the fitted stock chain <paramref name="stock"/>.</summary>
    private protected VaeTransformerBase(string pairId, ITransformer stock)
    {
        PairId = pairId;
        _stock = stock;
    }

    /// <summary>The pair id of the model whose graphs this transformer runs, so every result can be traced to a model.</summary>
    public string PairId { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _plan is not null || _stock!.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        if (_plan is null) return _stock!.GetOutputSchema(inputSchema);
        _plan.FindInputs(inputSchema);
        return _plan.OutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        _plan is null ? _stock!.GetRowToRowMapper(inputSchema) : new ScoringRowMapper(inputSchema, _plan);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _plan is null ? _stock!.Transform(input) : new BlockScoringDataView(input, _plan);

    /// <summary>Closes the ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _plan?.Pass.Dispose();
        (_stock as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        if (_stock is not null)
        {
            _stock.Save(ctx);
            return;
        }
        var chain = _savedForm!().Fit(new EmptyDataView(_fitSchema!));
        try
        {
            chain.Save(ctx);
        }
        finally
        {
            (chain as IDisposable)?.Dispose();
        }
    }
}
