namespace VaeOnnx.Training.Data;

/// <summary>Reproducible random splits: the same seed gives the same rows in each split, on every machine.</summary>
public static class DatasetSplitter
{
    /// <summary>Splits rows into two disjoint parts; the second gets round(fraction * rows) rows.</summary>
    public static (VaeDataset Kept, VaeDataset HeldOut) Split(VaeDataset data, double fraction, long seed, string heldOutName)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new ArgumentException($"split fraction {fraction}; expected 0 <= fraction < 1.");
        int heldOut = (int)Math.Round(fraction * data.Rows);
        if (fraction > 0 && (heldOut == 0 || heldOut == data.Rows))
            throw new ArgumentException($"{data.Source}: {data.Rows} rows are too few to hold out {fraction:P0} for {heldOutName}.");
        var order = Permutation(data.Rows, seed);
        return (data.Select(order[heldOut..].Order().ToArray()), data.Select(order[..heldOut].Order().ToArray(), $"{data.Source} ({heldOutName})"));
    }

    /// <summary>A permutation of 0..n-1 from a Fisher-Yates shuffle driven by SplitMix64, independent of the .NET version.</summary>
    public static int[] Permutation(int n, long seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        ulong state = (ulong)seed;
        for (int i = n - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            int j = (int)(z % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
