namespace VaeOnnx.Contract;

/// <summary>
/// The float32 constants and arithmetic of one column's mode-specific normalisation (<see cref="NumericEncoding.Modes"/>),
/// shared by the C# featuriser, the exported graphs, the likelihood and the synthesizer, so that they compute the same
/// values bit for bit: each step here is one float32 operation, as one graph node computes it.
/// <list type="bullet">
/// <item>the mode of a value x is argmax_k [log w_k - log s_k - ((x - m_k) / s_k)^2 / 2], the first on ties;</item>
/// <item>its offset alpha = (x - m_k) / (4 s_k), not clipped: TVAE clips it to +-0.99 because its decoder ends in tanh, but
/// this decoder's offset is a Gaussian, and an anomaly score needs the whole distance of a value far out of every mode;</item>
/// <item>decoding gives m_k + 4 s_k * alpha;</item>
/// <item>the density of the column's standardised value is then exactly p(k) p(alpha | k) / (4 s_k * scale), so a column's contribution
/// carries the log-Jacobian log(4 s_k * scale) (<see cref="LogJacobian"/>) and stays comparable with standard columns.</item>
/// </list>
/// </summary>
public sealed class ModeEncoding
{
    /// <summary>The encoding of <paramref name="column"/>, a numeric or integer column with <see cref="TableColumn.Modes"/>.</summary>
    public ModeEncoding(TableColumn column)
    {
        var modes = column.Modes ?? throw new ArgumentException($"column '{column.Name}' has no modes", nameof(column));
        Means = modes.Select(m => (float)m.Mean).ToArray();
        InverseStd = modes.Select(m => (float)(1 / m.Std)).ToArray();
        LogPrior = modes.Select(m => (float)(Math.Log(m.Weight) - Math.Log(m.Std))).ToArray();
        QuarterInverseStd = modes.Select(m => (float)(1 / (4 * m.Std))).ToArray();
        FourStd = modes.Select(m => (float)(4 * m.Std)).ToArray();
        LogJacobian = modes.Select(m => (float)Math.Log(4 * m.Std * Math.Abs(column.Scale))).ToArray();
        Spikes = modes.Select(m => m.Spike ? m.Mean : double.NaN).ToArray();
    }

    /// <summary>Per mode, the exact value of a spike (<see cref="NumericMode.Spike"/>), NaN for a Gaussian mode.</summary>
    public double[] Spikes { get; }

    /// <summary>Number of modes K.</summary>
    public int Count => Means.Length;

    /// <summary>m_k, raw units.</summary>
    public float[] Means { get; }

    /// <summary>1 / s_k.</summary>
    public float[] InverseStd { get; }

    /// <summary>log w_k - log s_k.</summary>
    public float[] LogPrior { get; }

    /// <summary>1 / (4 s_k).</summary>
    public float[] QuarterInverseStd { get; }

    /// <summary>4 s_k.</summary>
    public float[] FourStd { get; }

    /// <summary>log(4 s_k * scale): minus the log-Jacobian from the standardised value to alpha.</summary>
    public float[] LogJacobian { get; }

    /// <summary>The most likely mode of <paramref name="x"/> (raw units).</summary>
    public int Mode(float x)
    {
        int best = 0;
        float bestScore = float.NaN;
        for (int k = 0; k < Means.Length; k++)
        {
            float z = (x - Means[k]) * InverseStd[k];
            float square = z * z;
            float half = square * -0.5f;
            float score = half + LogPrior[k];
            if (k == 0 || score > bestScore) (best, bestScore) = (k, score);
        }
        return best;
    }

    /// <summary>The offset of <paramref name="x"/> within mode <paramref name="k"/>.</summary>
    public float Alpha(float x, int k)
    {
        float shifted = x - Means[k];
        return shifted * QuarterInverseStd[k];
    }

    /// <summary>The raw value of offset <paramref name="alpha"/> in mode <paramref name="k"/>.</summary>
    public float Decode(int k, float alpha)
    {
        float spread = FourStd[k] * alpha;
        return Means[k] + spread;
    }
}
