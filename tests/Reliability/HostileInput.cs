using System.Diagnostics;
using CsCheck;

namespace VaeOnnx.Tests.Reliability;

/// <summary>
/// Runs a reader over thousands of damaged copies of a valid file (the same cases in every run, see <see cref="SeededCases"/>;
/// a failure is shrunk by CsCheck to the smallest damage that breaks the rule). The rule: the reader either succeeds or throws one of the documented exception types with the
/// file's path in the message; it returns within a bound far above its normal time (a hang guard, not a speed test);
/// and it allocates no more managed memory than a small multiple of the file's size.
/// </summary>
internal static class HostileInput
{
    public static HostileInputReport Check(string name, byte[] valid, string path, Action<string> read, Type[] documented,
        int iterations = 10_000, Action<byte[], string>? write = null, TimeSpan? hangBound = null) =>
        Check(name, Corruption.Gen, valid, path, read, documented, iterations, write, hangBound);

    /// <summary>The same rule for damage drawn from <paramref name="damages"/>.</summary>
    public static HostileInputReport Check<TDamage>(string name, Gen<TDamage> damages, byte[] valid, string path, Action<string> read,
        Type[] documented, int iterations = 10_000, Action<byte[], string>? write = null, TimeSpan? hangBound = null)
        where TDamage : IFileDamage
    {
        var bound = hangBound ?? TimeSpan.FromSeconds(10);
        int rejected = 0, accepted = 0;
        long worstBytes = 0;
        double worstMs = 0;
        SeededCases.Check(damages, corruption =>
        {
            var bytes = corruption.Apply(valid);
            if (write is null) File.WriteAllBytes(path, bytes); else write(bytes, path);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                read(path);
                accepted++;
            }
            catch (Exception e) when (documented.Any(t => t.IsInstanceOfType(e)))
            {
                if (!e.Message.Contains(Path.GetFileName(path)))
                    throw new InvalidOperationException($"{name}: {e.GetType().Name} does not name the file: {e.Message}");
                rejected++;
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{name}: undocumented {e.GetType().Name} for {corruption}: {e.Message}", e);
            }
            var elapsed = clock.Elapsed;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstMs = Math.Max(worstMs, elapsed.TotalMilliseconds);
            worstBytes = Math.Max(worstBytes, allocated);
            if (elapsed > bound) throw new InvalidOperationException($"{name}: took {elapsed.TotalSeconds:F1} s for {corruption}");
            long allowed = 64L * Math.Max(bytes.Length, valid.Length) + 32_000_000;
            if (allocated > allowed) throw new InvalidOperationException($"{name}: allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file ({corruption})");
        }, iterations);
        return new HostileInputReport(name, iterations, rejected, accepted, worstMs, worstBytes);
    }
}
