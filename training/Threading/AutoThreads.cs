namespace VaeOnnx.Training.Threading;

/// <summary>
/// The thread count for a machine that other jobs may share. An OpenMP team works in lockstep: every parallel region
/// ends at a barrier that waits for its slowest thread, so a thread that shares its core with another job holds the
/// whole team up for a scheduler time slice in every region of the step. Fewer threads than idle cores avoids that.
/// </summary>
public static class AutoThreads
{
    /// <summary>How long the idle share is sampled before a run.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The idle cores out of <paramref name="cores"/> (<paramref name="idleShare"/> of them), rounded, at least 1 and at
    /// most <paramref name="cores"/>; all cores when the idle share is unknown.
    /// </summary>
    public static int Choose(int cores, double? idleShare)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        if (idleShare is not double share) return cores;
        return Math.Clamp((int)Math.Round(share * cores, MidpointRounding.AwayFromZero), 1, cores);
    }

    /// <summary><see cref="Choose"/> for this process's cores and the idle share measured now over <see cref="Window"/>.</summary>
    public static int Measure() => Choose(Environment.ProcessorCount, CpuIdleShare.Measure(Window));
}
