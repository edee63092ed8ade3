using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Serves the model pair of a folder and swaps in a new pair when its files are replaced, without stopping scoring.
/// Callers take a lease per call (<see cref="Acquire"/>); work in flight finishes on the pair it started with, and a
/// replaced pair's sessions close when its last lease ends. A new pair is swapped in only once it loads completely and
/// its encoder and decoder agree (same pair id): replacing one file, or writing a broken file, keeps the old pair in
/// service and raises <see cref="ReloadFailed"/>. The folder is polled (cheap: file times and sizes) and watched. For
/// whole ML.NET chains (a classifier on the latent means, batches of rows) use <see cref="VaeChainHost"/>, which swaps
/// the same way.
/// </summary>
public sealed class VaeModelProvider : IDisposable
{
    private readonly HotSwapSlot<VaePairScorer> _slot;

    /// <summary>Loads the pair in <paramref name="folder"/> (failing if it cannot) and starts watching for replacements.</summary>
    public VaeModelProvider(string folder, VaeSessionOptions? options = null, TimeSpan? pollInterval = null, Likelihood? likelihood = null)
    {
        var path = Path.GetFullPath(folder);
        var session = options ?? new VaeSessionOptions();
        _slot = new HotSwapSlot<VaePairScorer>(path, pollInterval ?? TimeSpan.FromSeconds(1), () => VaeModel.Load(path, session, likelihood), m => new VaePairScorer(m));
    }

    /// <summary>Raised after a new pair was swapped in: (old pair id, new pair id).</summary>
    public event Action<string, string>? Swapped
    {
        add => _slot.Swapped += value;
        remove => _slot.Swapped -= value;
    }

    /// <summary>Raised when changed files could not be loaded; the old pair stays in service.</summary>
    public event Action<Exception>? ReloadFailed
    {
        add => _slot.ReloadFailed += value;
        remove => _slot.ReloadFailed -= value;
    }

    /// <summary>The pair id currently served.</summary>
    public string CurrentPairId => _slot.Current.Model.PairId;

    /// <summary>Leases the current pair for one unit of work; dispose the lease when done.</summary>
    public VaeModelLease Acquire() => new(_slot.Acquire());

    /// <summary>Scores one row on the current pair.</summary>
    public VaeScore Score(float[] x)
    {
        using var lease = Acquire();
        return lease.Scorer.Score(x);
    }

    /// <summary>Loads the folder's files now and swaps them in if they form a valid pair different from the current one.</summary>
    /// <returns>True when a new pair was swapped in.</returns>
    public bool Reload() => _slot.Reload();

    /// <summary>Stops watching and releases the current pair (open leases keep it alive until they end).</summary>
    public void Dispose() => _slot.Dispose();
}
