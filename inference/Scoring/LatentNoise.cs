namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The standard normal noise of a posterior draw as a pure function of the seed and the row's mu and logvar bits
/// (SplitMix64 hashing into uniforms, then Box-Muller): the same seed gives the same draws in any cursor order, thread or
/// process, and identical rows get identical draws. <c>VaeSampleLatent</c> and <c>VaeSamplePosterior</c> share it, so a
/// Gaussian pair's posterior draw is the same whichever transform makes it.
/// </summary>
internal static class LatentNoise
{
    /// <summary>Writes eps for one row into <paramref name="eps"/> (as long as <paramref name="mu"/>).</summary>
    public static void Draw(int seed, ReadOnlySpan<float> mu, ReadOnlySpan<float> logvar, Span<double> eps)
    {
        ulong state = (ulong)(long)seed * 0x9E3779B97F4A7C15UL;
        for (int j = 0; j < mu.Length; j++) state = Mix(state ^ BitConverter.SingleToUInt32Bits(mu[j]));
        for (int j = 0; j < logvar.Length; j++) state = Mix(state ^ ((ulong)BitConverter.SingleToUInt32Bits(logvar[j]) << 17));
        for (int j = 0; j < eps.Length; j++)
        {
            ulong a = Mix(state + (ulong)(2 * j + 1)), b = Mix(state + (ulong)(2 * j + 2));
            double u1 = ((a >> 11) + 1) * (1.0 / 9007199254740993.0), u2 = (b >> 11) * (1.0 / 9007199254740992.0);
            eps[j] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }

    /// <summary>The Gaussian posterior draw z = mu + exp(logvar / 2) * eps of one row, written into <paramref name="z"/>.</summary>
    public static void GaussianDraw(int seed, ReadOnlySpan<float> mu, ReadOnlySpan<float> logvar, Span<float> z)
    {
        Span<double> eps = stackalloc double[mu.Length];
        Draw(seed, mu, logvar, eps);
        for (int j = 0; j < z.Length; j++) z[j] = (float)(mu[j] + Math.Exp(logvar[j] / 2) * eps[j]);
    }

    /// <summary>
    /// Fixed standard normal values [count] that are the same for every row and every run: the draws of the anomaly
    /// score's KL estimate for a flow posterior.
    /// </summary>
    public static float[] Fixed(int count, ulong stream)
    {
        var values = new float[count];
        ulong state = stream * 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < count; i++)
        {
            ulong a = Mix(state + (ulong)(2 * i + 1)), b = Mix(state + (ulong)(2 * i + 2));
            double u1 = ((a >> 11) + 1) * (1.0 / 9007199254740993.0), u2 = (b >> 11) * (1.0 / 9007199254740992.0);
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
