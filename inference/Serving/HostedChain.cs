using System.Collections.Concurrent;
using Microsoft.ML;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// One served chain of a pair: the fitted transformer, the schema of its input rows and pools of prediction engines
/// (a PredictionEngine serves one caller at a time; the pools hand one to each concurrent caller and keep them for reuse).
/// </summary>
internal sealed class HostedChain : IDisposable
{
    private readonly ConcurrentDictionary<(Type, Type), IDisposable> _pools = new();

    public HostedChain(string name, ITransformer transformer, DataViewSchema inputSchema)
    {
        Name = name;
        Transformer = transformer;
        InputSchema = inputSchema;
        OutputSchema = transformer.GetOutputSchema(inputSchema);
    }

    public string Name { get; }

    public ITransformer Transformer { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public TOut Predict<TIn, TOut>(MLContext context, TIn row) where TIn : class where TOut : class, new()
    {
        var pool = (PredictionEnginePool<TIn, TOut>)_pools.GetOrAdd((typeof(TIn), typeof(TOut)), _ => new PredictionEnginePool<TIn, TOut>(context, this));
        return pool.Predict(row);
    }

    public IReadOnlyList<TOut> PredictBatch<TIn, TOut>(MLContext context, IEnumerable<TIn> rows) where TIn : class where TOut : class, new()
    {
        var view = context.Data.LoadFromEnumerable(rows, ChainSchemas.Input<TIn>(InputSchema));
        return context.Data.CreateEnumerable<TOut>(Transformer.Transform(view), reuseRowObject: false, schemaDefinition: ChainSchemas.Output<TOut>(OutputSchema)).ToList();
    }

    public void Dispose()
    {
        foreach (var pool in _pools.Values) pool.Dispose();
        (Transformer as IDisposable)?.Dispose();
    }
}
