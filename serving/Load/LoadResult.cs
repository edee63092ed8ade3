namespace VaeOnnx.Serving.Load;

/// <summary>What a load run measured.</summary>
/// <param name="Requests">Requests answered.</param>
/// <param name="Rows">Rows in the answered requests.</param>
/// <param name="Errors">Failed requests: an error status, a transport error, or an answer that is not what its pair computes.</param>
/// <param name="FirstErrors">The first few error messages.</param>
/// <param name="PairsSeen">Answers per pair id.</param>
/// <param name="Swaps">Swaps performed.</param>
/// <param name="Seconds">Wall time of the run.</param>
/// <param name="P50Ms">Median request latency seen by the clients.</param>
/// <param name="P99Ms">99th percentile latency.</param>
public sealed record LoadResult(long Requests, long Rows, long Errors, IReadOnlyList<string> FirstErrors, IReadOnlyDictionary<string, long> PairsSeen,
    int Swaps, double Seconds, double P50Ms, double P99Ms)
{
    /// <summary>Rows per second over the run.</summary>
    public double RowsPerSecond => Rows / Seconds;

    /// <summary>Requests per second over the run.</summary>
    public double RequestsPerSecond => Requests / Seconds;
}
