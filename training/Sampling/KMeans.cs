using VaeOnnx.Contract;

namespace VaeOnnx.Training.Sampling;

/// <summary>Initial centres for a mixture: k-means++ seeding (a seeded SplitMix64 stream) refined by a few Lloyd iterations.</summary>
internal static class KMeans
{
    public static double[][] Centres(double[][] data, int k, long seed, int iterations = 10)
    {
        int n = data.Length, d = data[0].Length;
        ulong state = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)k;
        var centres = new double[k][];
        centres[0] = (double[])data[(int)(SplitMix64.Uniform(ref state) * n)].Clone();
        var nearest = data.Select(x => Distance(x, centres[0])).ToArray();
        for (int c = 1; c < k; c++)
        {
            double total = nearest.Sum(), target = SplitMix64.Uniform(ref state) * total, cumulative = 0;
            int pick = n - 1;
            for (int i = 0; i < n; i++)
            {
                cumulative += nearest[i];
                if (cumulative >= target) { pick = i; break; }
            }
            centres[c] = (double[])data[pick].Clone();
            for (int i = 0; i < n; i++) nearest[i] = Math.Min(nearest[i], Distance(data[i], centres[c]));
        }
        var assignment = new int[n];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Parallel.For(0, n, i =>
            {
                int best = 0;
                double bestDistance = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    double distance = Distance(data[i], centres[c]);
                    if (distance < bestDistance) (best, bestDistance) = (c, distance);
                }
                assignment[i] = best;
            });
            var sums = new double[k, d];
            var counts = new int[k];
            for (int i = 0; i < n; i++)
            {
                counts[assignment[i]]++;
                for (int j = 0; j < d; j++) sums[assignment[i], j] += data[i][j];
            }
            for (int c = 0; c < k; c++)
                if (counts[c] > 0)
                    for (int j = 0; j < d; j++) centres[c][j] = sums[c, j] / counts[c];
        }
        return centres;
    }

    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += (a[j] - b[j]) * (a[j] - b[j]);
        return sum;
    }
}
