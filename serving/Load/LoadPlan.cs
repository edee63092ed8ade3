namespace VaeOnnx.Serving.Load;

/// <summary>
/// A bounded load run: <see cref="Clients"/> concurrent clients, each sending requests in turn until
/// <see cref="Duration"/> has passed or it has sent <see cref="MaxRequestsPerClient"/>, while <see cref="Swap"/> is
/// called <see cref="Swaps"/> times, evenly spread over the run.
/// </summary>
public sealed record LoadPlan
{
    /// <summary>Concurrent clients.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>How long the clients send.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of requests per client (so a run stops by itself on a fast machine too).</summary>
    public int MaxRequestsPerClient { get; init; } = 1_000_000;

    /// <summary>The requests, sent round-robin (each client starts at its own offset).</summary>
    public required IReadOnlyList<LoadRequest> Requests { get; init; }

    /// <summary>Hot swaps during the run.</summary>
    public int Swaps { get; init; }

    /// <summary>Performs swap number i (1-based) and returns when the service serves the new pair.</summary>
    public Func<int, Task>? Swap { get; init; }
}
