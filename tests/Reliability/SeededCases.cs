using CsCheck;

namespace VaeOnnx.Tests.Reliability;

/// <summary>
/// Property checks whose every case is the same in every run. CsCheck's <c>Sample(seed: …)</c> fixes only its first case
/// and draws the rest from a fresh random stream, so the cases here come from one PCG stream parsed from a fixed seed.
/// A failing case goes back to CsCheck by its own seed: <c>Sample</c> runs it first and then shrinks, reporting the
/// smallest failing case it finds together with that case's seed.
/// </summary>
internal static class SeededCases
{
    /// <summary>The seed of every hostile-input run.</summary>
    public const string Seed = "0000VaeOnnx1";

    /// <summary>Runs <paramref name="check"/> on <paramref name="iterations"/> cases drawn from <paramref name="gen"/>.</summary>
    /// <param name="shrinkIterations">How many further cases CsCheck may try while shrinking a failure.</param>
    public static void Check<T>(Gen<T> gen, Action<T> check, int iterations, int shrinkIterations = 2000, string seed = Seed)
    {
        var pcg = PCG.Parse(seed);
        for (int i = 0; i < iterations; i++)
        {
            ulong state = pcg.State;
            var value = gen.Generate(pcg, null!, out _);
            try
            {
                check(value);
            }
            catch (Exception)
            {
                gen.Sample(check, seed: pcg.ToString(state), iter: shrinkIterations, threads: 1);
                throw; // CsCheck did not see the case fail again: report the original failure.
            }
        }
    }
}
