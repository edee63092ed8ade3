using Microsoft.ML;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Holds the chains of one pair for a unit of work (a request): every call through the lease runs on that pair, even when
/// the host swaps in a new one meanwhile, and the pair's chains stay open until the last lease on them is disposed. Read
/// a data view returned by <see cref="Transform"/> before disposing the lease.
/// </summary>
public sealed class VaeChainLease : IDisposable
{
    private VaeChainSet? _set;

    internal VaeChainLease(VaeChainSet set) => _set = set;

    internal VaeChainSet Set => _set ?? throw new ObjectDisposedException(nameof(VaeChainLease));

    /// <summary>The pair id of the leased chains: name it in every result.</summary>
    public string PairId => Set.Model.PairId;

    /// <summary>The leased pair.</summary>
    public VaeModel Model => Set.Model;

    /// <summary>The ML.NET context the chains were built in.</summary>
    public MLContext Context => Set.Context;

    /// <summary>The names of the chains.</summary>
    public IReadOnlyCollection<string> ChainNames => Set.Names;

    /// <summary>The fitted chain named <paramref name="chain"/>.</summary>
    public ITransformer Chain(string chain) => Set.Chain(chain).Transformer;

    /// <summary>The schema of the rows <paramref name="chain"/> reads.</summary>
    public DataViewSchema InputSchema(string chain) => Set.Chain(chain).InputSchema;

    /// <summary>The schema of what <paramref name="chain"/> produces.</summary>
    public DataViewSchema OutputSchema(string chain) => Set.Chain(chain).OutputSchema;

    /// <summary>Maps a data view through <paramref name="chain"/> (VaeOnnx steps score in blocks).</summary>
    public IDataView Transform(string chain, IDataView input) => Set.Chain(chain).Transformer.Transform(input);

    /// <summary>One row through <paramref name="chain"/>, on a pooled PredictionEngine; <c>float[]</c> members take the chain's vector sizes.</summary>
    public TOut Predict<TIn, TOut>(string chain, TIn row) where TIn : class where TOut : class, new() => Set.Chain(chain).Predict<TIn, TOut>(Set.Context, row);

    /// <summary>A batch of rows through <paramref name="chain"/> as one data view (VaeOnnx steps score it in blocks).</summary>
    public IReadOnlyList<TOut> PredictBatch<TIn, TOut>(string chain, IEnumerable<TIn> rows) where TIn : class where TOut : class, new() =>
        Set.Chain(chain).PredictBatch<TIn, TOut>(Set.Context, rows);

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _set, null)?.Release();
}
