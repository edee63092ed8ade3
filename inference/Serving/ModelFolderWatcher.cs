using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Calls back when the graph files of a model folder may have been replaced: the folder is polled (cheap: the two files'
/// times and sizes) and, where the platform allows, watched. Polling alone sees every replacement (a watcher can miss
/// events on network file systems), so the watcher only shortens the wait. The callback runs on a timer or watcher thread
/// and decides itself whether the change is worth a reload.
/// </summary>
internal sealed class ModelFolderWatcher : IDisposable
{
    private readonly Timer _timer;
    private readonly FileSystemWatcher? _watcher;
    private volatile bool _disposed;

    /// <summary>Starts watching; <paramref name="changed"/> may run as soon as this returns, so set up its state first.</summary>
    public ModelFolderWatcher(string folder, TimeSpan pollInterval, Action changed)
    {
        Folder = folder;
        void Check()
        {
            if (!_disposed) changed();
        }
        _timer = new Timer(_ => Check(), null, pollInterval, pollInterval);
        try
        {
            _watcher = new FileSystemWatcher(folder, "*.onnx") { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            _watcher.Changed += (_, _) => Check();
            _watcher.Renamed += (_, _) => Check();
            _watcher.Created += (_, _) => Check();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _watcher = null; // polling alone still sees every replacement
        }
    }

    /// <summary>The watched folder.</summary>
    public string Folder { get; }

    /// <summary>Times and sizes of the two graph files of the watched folder.</summary>
    public (DateTime, long, DateTime, long) Stamp() => StampOf(Folder);

    /// <summary>Times and sizes of the two graph files of <paramref name="folder"/>: a replaced file changes them.</summary>
    public static (DateTime, long, DateTime, long) StampOf(string folder)
    {
        static (DateTime, long) Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        }
        var (t1, s1) = Of(Path.Combine(folder, ModelCard.EncoderFileName));
        var (t2, s2) = Of(Path.Combine(folder, ModelCard.DecoderFileName));
        return (t1, s1, t2, s2);
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
        _watcher?.Dispose();
    }
}
