namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Serves whole ML.NET chains built on the model pair of a folder and swaps them when the pair's files are replaced,
/// without stopping (the pattern of ML.NET's PredictionEnginePool, which is not available here, extended with the pair id
/// of every result). The new chains are built only from a complete, valid pair (both files load and agree) and only when
/// the chain builder succeeds; then the host switches to them in one atomic step. Calls in flight finish on the chains
/// they started with, which are disposed when their last lease ends. A failed reload keeps the old pair in service and
/// raises <see cref="ReloadFailed"/>. With strict CUDA (<see cref="VaeSessionOptions.AllowCpuFallback"/> off) and no
/// usable GPU, the constructor fails.
/// </summary>
public sealed class VaeChainHost : IDisposable
{
    private readonly HotSwapSlot _slot;

    /// <summary>Loads the pair of <see cref="VaeChainHostOptions.ModelFolder"/>, builds its chains and starts watching the folder.</summary>
    /// <param name="options">Folder, session options, polling.</param>
    /// <param name="chains">Adds the chains to serve for a pair; null serves <see cref="VaeStandardChains"/>.</param>
    /// <exception cref="VaeModelLoadException">The folder does not hold a valid pair, or the sessions cannot be created as asked.</exception>
    public VaeChainHost(VaeChainHostOptions options, Action<VaeChainBuilder>? chains = null)
    {
        var o = options with { ModelFolder = Path.GetFullPath(options.ModelFolder) };
        var build = chains ?? VaeStandardChains.Add;
        ModelFolder = o.ModelFolder;
        _slot = new HotSwapSlot(o.ModelFolder, o.PollInterval, () => VaeModel.Load(o.ModelFolder, o.Session, o.Likelihood), m => VaeChainSet.Build(m, build));
    }

    /// <summary>Raised after new chains were swapped in: (old pair id, new pair id).</summary>
    public event Action<string, string>? Swapped
    {
        add => _slot.Swapped += value;
        remove => _slot.Swapped -= value;
    }

    /// <summary>Raised when changed files could not be loaded or built into chains; the old pair stays in service.</summary>
    public event Action<Exception>? ReloadFailed
    {
        add => _slot.ReloadFailed += value;
        remove => _slot.ReloadFailed -= value;
    }

    /// <summary>The watched folder.</summary>
    public string ModelFolder { get; }

    /// <summary>The pair id currently served.</summary>
    public string CurrentPairId => CurrentModel.PairId;

    /// <summary>The pair currently served.</summary>
    public VaeModel CurrentModel => _slot.Current.Model;

    /// <summary>When the pair in service was loaded (UTC).</summary>
    public DateTime LoadedUtc => _slot.LoadedUtc;

    /// <summary>Pairs swapped in since start.</summary>
    public int SwapCount => _slot.SwapCount;

    /// <summary>Reloads that failed since start (the old pair stayed in service).</summary>
    public int FailedReloadCount => _slot.FailedReloadCount;

    /// <summary>The error of the last failed reload, cleared by the next swap.</summary>
    public Exception? LastReloadFailure => _slot.LastReloadFailure;

    /// <summary>Leases the current chains for one unit of work; dispose the lease when done.</summary>
    public VaeChainLease Acquire() => new(_slot.Acquire());

    /// <summary>One row through <paramref name="chain"/> of the current pair.</summary>
    public VaePrediction<TOut> Predict<TIn, TOut>(string chain, TIn row) where TIn : class where TOut : class, new()
    {
        using var lease = Acquire();
        return new VaePrediction<TOut>(lease.Predict<TIn, TOut>(chain, row), lease.PairId);
    }

    /// <summary>A batch of rows through <paramref name="chain"/>, all on one pair.</summary>
    public VaePredictions<TOut> PredictBatch<TIn, TOut>(string chain, IEnumerable<TIn> rows) where TIn : class where TOut : class, new()
    {
        using var lease = Acquire();
        return new VaePredictions<TOut>(lease.PredictBatch<TIn, TOut>(chain, rows), lease.PairId);
    }

    /// <summary>Loads the folder now and swaps its chains in if the files form a valid pair different from the current one.</summary>
    /// <returns>True when new chains were swapped in.</returns>
    public bool Reload() => _slot.Reload();

    /// <summary>Stops watching and releases the current chains (open leases keep them until they end).</summary>
    public void Dispose() => _slot.Dispose();
}
