namespace VaeOnnx.Serving.Telemetry;

/// <summary>Counts of one endpoint and its last <see cref="Window"/> latencies (enough for a p99 that follows the recent load).</summary>
internal sealed class EndpointStats
{
    public const int Window = 8192;
    private readonly double[] _latencies = new double[Window];
    private readonly object _lock = new();
    private long _requests, _errors, _rows;

    public void Record(int status, int rows, double milliseconds)
    {
        lock (_lock)
        {
            _latencies[_requests % Window] = milliseconds;
            _requests++;
            if (status >= 400) _errors++;
            _rows += rows;
        }
    }

    public EndpointStatsSnapshot Snapshot()
    {
        double[] window;
        long requests, errors, rows;
        lock (_lock)
        {
            (requests, errors, rows) = (_requests, _errors, _rows);
            window = _latencies.AsSpan(0, (int)Math.Min(requests, Window)).ToArray();
        }
        Array.Sort(window);
        double Percentile(double p) => window.Length == 0 ? 0 : window[Math.Min(window.Length - 1, (int)(p * window.Length))];
        return new EndpointStatsSnapshot(requests, errors, rows, Percentile(0.5), Percentile(0.99), window.Length);
    }
}
