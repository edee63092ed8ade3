using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Serves the model pair of a folder and swaps in a new pair when its files are replaced, without stopping scoring.
/// Callers take a lease per call (<see cref="Acquire"/>); work in flight finishes on the pair it started with, and a
/// replaced pair's sessions close when its last lease ends. A new pair is swapped in only once it loads completely and
/// its encoder and decoder agree (same pair id): replacing one file, or writing a broken file, keeps the old pair in
/// service and raises <see cref="ReloadFailed"/>. The folder is polled (cheap: file times and sizes) and watched.
/// </summary>
public sealed class VaeModelProvider : IDisposable
{
    private readonly string _folder;
    private readonly VaeSessionOptions _options;
    private readonly Likelihood? _likelihood;
    private readonly Timer _timer;
    private readonly FileSystemWatcher? _watcher;
    private readonly object _reloadLock = new();
    private VaePairScorer _current;
    private (DateTime, long, DateTime, long) _stamp;
    private bool _disposed;

    /// <summary>Loads the pair in <paramref name="folder"/> (failing if it cannot) and starts watching for replacements.</summary>
    public VaeModelProvider(string folder, VaeSessionOptions? options = null, TimeSpan? pollInterval = null, Likelihood? likelihood = null)
    {
        _folder = Path.GetFullPath(folder);
        _options = options ?? new VaeSessionOptions();
        _likelihood = likelihood;
        _stamp = Stamp();
        _current = new VaePairScorer(VaeModel.Load(_folder, _options, likelihood));
        var interval = pollInterval ?? TimeSpan.FromSeconds(1);
        _timer = new Timer(_ => CheckForChanges(), null, interval, interval);
        try
        {
            _watcher = new FileSystemWatcher(_folder, "*.onnx") { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            _watcher.Changed += (_, _) => CheckForChanges();
            _watcher.Renamed += (_, _) => CheckForChanges();
            _watcher.Created += (_, _) => CheckForChanges();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _watcher = null; // polling alone still sees every replacement
        }
    }

    /// <summary>Raised after a new pair was swapped in: (old pair id, new pair id).</summary>
    public event Action<string, string>? Swapped;

    /// <summary>Raised when changed files could not be loaded; the old pair stays in service.</summary>
    public event Action<Exception>? ReloadFailed;

    /// <summary>The pair id currently served.</summary>
    public string CurrentPairId => Volatile.Read(ref _current).Model.PairId;

    /// <summary>Leases the current pair for one unit of work; dispose the lease when done.</summary>
    public VaeModelLease Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var scorer = Volatile.Read(ref _current);
            if (scorer.TryAddReference()) return new VaeModelLease(scorer);
            // The pair was replaced and released between the read and the reference: read the new one.
        }
    }

    /// <summary>Scores one row on the current pair.</summary>
    public VaeScore Score(float[] x)
    {
        using var lease = Acquire();
        return lease.Scorer.Score(x);
    }

    /// <summary>Loads the folder's files now and swaps them in if they form a valid pair different from the current one.</summary>
    /// <returns>True when a new pair was swapped in.</returns>
    public bool Reload()
    {
        lock (_reloadLock)
        {
            if (_disposed) return false;
            var stamp = Stamp();
            VaePairScorer next;
            try
            {
                next = new VaePairScorer(VaeModel.Load(_folder, _options, _likelihood));
            }
            catch (Exception e) when (e is VaeModelLoadException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                _stamp = stamp;
                ReloadFailed?.Invoke(e);
                return false;
            }
            _stamp = stamp;
            if (next.Model.PairId == CurrentPairId)
            {
                next.Dispose();
                return false;
            }
            var old = Interlocked.Exchange(ref _current, next);
            old.Release();
            Swapped?.Invoke(old.Model.PairId, next.Model.PairId);
            return true;
        }
    }

    private void CheckForChanges()
    {
        if (_disposed || Stamp() == _stamp) return;
        Reload();
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        static (DateTime, long) Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        }
        var (t1, s1) = Of(Path.Combine(_folder, ModelCard.EncoderFileName));
        var (t2, s2) = Of(Path.Combine(_folder, ModelCard.DecoderFileName));
        return (t1, s1, t2, s2);
    }

    /// <summary>Stops watching and releases the current pair (open leases keep it alive until they end).</summary>
    public void Dispose()
    {
        lock (_reloadLock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _timer.Dispose();
        _watcher?.Dispose();
        _current.Release();
    }
}
