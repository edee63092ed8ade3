namespace VaeOnnx.Contract;

/// <summary>
/// SplitMix64 uniforms and normals from a 64-bit state: draws that are the same on every platform and runtime (unlike
/// <see cref="Random"/>), so a seed means the same draws in the trainer, the exporter and ML.NET.
/// </summary>
public static class SplitMix64
{
    /// <summary>Advances <paramref name="state"/> and returns a uniform in [0, 1) with 53 random bits.</summary>
    public static double Uniform(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / 9007199254740992.0);
    }

    /// <summary>A standard normal draw (Box-Muller on two uniforms).</summary>
    public static double StandardNormal(ref ulong state)
    {
        double u1 = 1 - Uniform(ref state), u2 = Uniform(ref state);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
