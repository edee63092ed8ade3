namespace VaeOnnx.Inference.Serving;

/// <summary>
/// The hot swap behind <see cref="VaeChainHost"/>: the chains in service, replaced in one atomic step when the watched
/// folder holds a complete, valid new pair and its chains were built; callers take a reference per unit of work, and
/// replaced chains are released by their last one. A failed reload (files half replaced or damaged, or a builder that
/// throws) keeps the old chains.
/// </summary>
internal sealed class HotSwapSlot : IDisposable
{
    private readonly string _folder;
    private readonly Func<VaeModel> _load;
    private readonly Func<VaeModel, VaeChainSet> _build;
    private readonly ModelFolderWatcher _watcher;
    private readonly object _reloadLock = new();
    private VaeChainSet _current;
    private (DateTime, long, DateTime, long) _stamp;
    private Exception? _lastFailure;
    private int _swaps, _failures;
    private bool _disposed;

    /// <summary>Loads and builds the first chains (throwing what loading throws), then starts watching <paramref name="folder"/>.</summary>
    public HotSwapSlot(string folder, TimeSpan pollInterval, Func<VaeModel> load, Func<VaeModel, VaeChainSet> build)
    {
        (_folder, _load, _build) = (folder, load, build);
        _stamp = ModelFolderWatcher.StampOf(folder);
        _current = build(load());
        LoadedUtc = DateTime.UtcNow;
        _watcher = new ModelFolderWatcher(folder, pollInterval, CheckForChanges);
    }

    public event Action<string, string>? Swapped;

    public event Action<Exception>? ReloadFailed;

    public VaeChainSet Current => Volatile.Read(ref _current);

    public DateTime LoadedUtc { get; private set; }

    public int SwapCount => Volatile.Read(ref _swaps);

    public int FailedReloadCount => Volatile.Read(ref _failures);

    public Exception? LastReloadFailure => Volatile.Read(ref _lastFailure);

    /// <summary>The chains in service with a reference taken for the caller, who releases them.</summary>
    public VaeChainSet Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = Volatile.Read(ref _current);
            if (current.TryAddReference()) return current;
            // Replaced and released between the read and the reference: read the new one.
        }
    }

    public bool Reload()
    {
        lock (_reloadLock)
        {
            if (_disposed) return false;
            var stamp = ModelFolderWatcher.StampOf(_folder);
            VaeChainSet next;
            try
            {
                var model = _load();
                _stamp = stamp;
                if (model.PairId == Current.Model.PairId) return false;
                next = _build(model);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Anything from loading or from a caller's builder: the old chains stay in service.
                _stamp = stamp;
                Volatile.Write(ref _lastFailure, e);
                Interlocked.Increment(ref _failures);
                ReloadFailed?.Invoke(e);
                return false;
            }
            var old = Interlocked.Exchange(ref _current, next);
            LoadedUtc = DateTime.UtcNow;
            Volatile.Write(ref _lastFailure, null);
            Interlocked.Increment(ref _swaps);
            old.Release();
            Swapped?.Invoke(old.Model.PairId, next.Model.PairId);
            return true;
        }
    }

    private void CheckForChanges()
    {
        if (_disposed || ModelFolderWatcher.StampOf(_folder) == _stamp) return;
        Reload();
    }

    public void Dispose()
    {
        lock (_reloadLock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _watcher.Dispose();
        _current.Release();
    }
}
