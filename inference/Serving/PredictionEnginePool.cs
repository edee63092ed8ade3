using System.Collections.Concurrent;
using Microsoft.ML;

namespace VaeOnnx.Inference.Serving;

/// <summary>Prediction engines of one chain for one pair of row types, one per concurrent caller, kept for reuse.</summary>
internal sealed class PredictionEnginePool<TIn, TOut> : IDisposable where TIn : class where TOut : class, new()
{
    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _idle = new();
    private readonly MLContext _context;
    private readonly HostedChain _chain;
    private readonly int _limit = Math.Max(4, 2 * Environment.ProcessorCount);

    public PredictionEnginePool(MLContext context, HostedChain chain)
    {
        _context = context;
        _chain = chain;
    }

    public TOut Predict(TIn row)
    {
        // The engines share the chain's transformer, which the chain disposes: an engine that owned it would close its
        // sessions under the other callers when the pool disposes a surplus engine.
        var engine = _idle.TryTake(out var idle) ? idle : _context.Model.CreatePredictionEngine<TIn, TOut>(_chain.Transformer, new PredictionEngineOptions
        {
            OwnsTransformer = false,
            InputSchemaDefinition = ChainSchemas.Input<TIn>(_chain.InputSchema),
            OutputSchemaDefinition = ChainSchemas.Output<TOut>(_chain.OutputSchema),
        });
        try
        {
            // A new result object per call: the caller keeps it after the engine goes back to the pool.
            return engine.Predict(row);
        }
        finally
        {
            if (_idle.Count < _limit) _idle.Add(engine);
            else engine.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var engine)) engine.Dispose();
    }
}
