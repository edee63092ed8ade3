namespace VaeOnnx.Tests.Reliability;

/// <summary>What one reader did with its damaged files; printed by the tests for docs/reliability.md.</summary>
internal sealed record HostileInputReport(string Reader, int Cases, int Rejected, int Accepted, double WorstMilliseconds, long WorstAllocatedBytes)
{
    public override string ToString() =>
        $"RELIABILITY {Reader}: {Cases} cases, {Rejected} rejected with a documented exception, {Accepted} still valid, worst {WorstMilliseconds:F1} ms, worst {WorstAllocatedBytes:N0} managed bytes";
}
