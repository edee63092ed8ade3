namespace VaeOnnx.Inference.Serving;

/// <summary>Holds one model pair in use; the pair's sessions stay open until every lease on it is disposed.</summary>
public sealed class VaeModelLease : IDisposable
{
    private VaePairScorer? _scorer;

    internal VaeModelLease(VaePairScorer scorer) => _scorer = scorer;

    /// <summary>The scorer of the leased pair.</summary>
    public VaePairScorer Scorer => _scorer ?? throw new ObjectDisposedException(nameof(VaeModelLease));

    /// <summary>The leased pair's id.</summary>
    public string PairId => Scorer.Model.PairId;

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _scorer, null)?.Release();
}
