using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// Fits the modes of one numeric column as TVAE does (SDV's ClusterBasedNormalizer): a variational Bayesian Gaussian
/// mixture of at most <see cref="TableSchema.MaxModes"/> components under a Dirichlet-process (stick-breaking) prior with
/// concentration 0.001, the priors and updates of scikit-learn's BayesianGaussianMixture in one dimension (mean prior the
/// data mean with precision 1, one degree of freedom, the data variance as the variance prior, 1e-6 added to every
/// variance), then the components whose weight is above 0.005 kept and their weights renormalised. Deterministic: the
/// responsibilities start from a one-dimensional k-means whose centres start at evenly spaced quantiles.
/// <see cref="FitWithSpikes"/> first takes out the exact values many rows share (spikes), which a Gaussian would smear.
/// </summary>
public static class ModeMixture
{
    /// <summary>Components weighted below this are dropped (TVAE's threshold).</summary>
    public const double WeightThreshold = 0.005;

    private const double Concentration = 0.001, MeanPrecisionPrior = 1, DegreesOfFreedomPrior = 1, RegCovar = 1e-6;
    private const int MaxIterations = 100;
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>A value shared by at least this share of a column's rows is a spike (5%: a price point, a zero spend).</summary>
    public const double SpikeShare = 0.05;

    /// <summary>A spike's least spread, as a share of the column's standard deviation.</summary>
    public const double SpikeSpreadOfStd = 1e-3;

    /// <summary>Fewest rows a spike needs, so that a value repeated by chance in a small file stays in the mixture.</summary>
    public const int MinSpikeRows = 5;

    /// <summary>
    /// The modes of <paramref name="values"/> with spikes: each exact value shared by at least <see cref="SpikeShare"/> of
    /// the values (every value above <see cref="WeightThreshold"/> when the column has at most <see cref="TableSchema.MaxModes"/>
    /// distinct values: a discrete column), seen in at least <see cref="MinSpikeRows"/> rows, is a mode of its own with its
    /// share as weight and a tenth of the last decimal place (10^-<paramref name="decimals"/>) as spread, or
    /// <see cref="SpikeSpreadOfStd"/> of the column's standard deviation where that is wider; the other values
    /// are fitted by the mixture with the modes left. Heaviest first.
    /// </summary>
    public static IReadOnlyList<NumericMode> FitWithSpikes(IReadOnlyList<double> values, int decimals)
    {
        if (values.Count == 0) throw new ArgumentException("no values to fit modes to", nameof(values));
        var counts = values.GroupBy(v => v).Select(g => (Value: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Value).ToArray();
        double least = counts.Length <= TableSchema.MaxModes ? WeightThreshold : SpikeShare;
        var spikes = counts.Where(g => g.Count >= MinSpikeRows && g.Count >= least * values.Count).Take(TableSchema.MaxModes).ToList();
        // The values left need one mode of the mixture.
        if (spikes.Count == TableSchema.MaxModes && spikes.Sum(g => g.Count) < values.Count) spikes.RemoveAt(spikes.Count - 1);
        var spiked = spikes.Select(g => g.Value).ToHashSet();
        var rest = values.Where(v => !spiked.Contains(v)).ToArray();
        double mean = values.Average(), std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        // At least a thousandth of the column's spread, so that a value far from every spike has an offset of thousands at most.
        double spread = Math.Max(0.1 * Math.Pow(10, -decimals), SpikeSpreadOfStd * std);
        var modes = spikes.Select(g => new NumericMode { Weight = (double)g.Count / values.Count, Mean = g.Value, Std = spread, Spike = true }).ToList();
        if (rest.Length > 0)
            modes.AddRange(Fit(rest, TableSchema.MaxModes - spikes.Count).Select(m => m with { Weight = m.Weight * rest.Length / values.Count }));
        return modes.OrderByDescending(m => m.Weight).ToArray();
    }

    /// <summary>The modes of <paramref name="values"/> (finite numbers, at least one), heaviest first.</summary>
    public static IReadOnlyList<NumericMode> Fit(IReadOnlyList<double> values) => Fit(values, TableSchema.MaxModes);

    private static IReadOnlyList<NumericMode> Fit(IReadOnlyList<double> values, int maxModes)
    {
        if (values.Count == 0) throw new ArgumentException("no values to fit modes to", nameof(values));
        double mean = values.Average();
        double variance = values.Count > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) : 0;
        // A constant column (or one value) has one mode; its spread is the variance floor.
        if (!(variance > 0)) return [new NumericMode { Weight = 1, Mean = mean, Std = Math.Sqrt(Math.Max(variance, 0) + RegCovar) }];
        var x = values.ToArray();
        int k = Math.Min(maxModes, x.Length);
        var state = new State(x, k, mean, variance);
        state.MaximiseFrom(KMeansResponsibilities(x, k));
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            double change = state.Expect();
            state.Maximise();
            if (change < 1e-6) break;
        }
        return state.Modes();
    }

    /// <summary>Hard responsibilities of a 1-D k-means (Lloyd's iterations from evenly spaced quantiles).</summary>
    private static double[,] KMeansResponsibilities(double[] x, int k)
    {
        var sorted = x.Order().ToArray();
        var centres = Enumerable.Range(0, k).Select(j => sorted[Math.Min(sorted.Length - 1, (int)((j + 0.5) * sorted.Length / k))]).ToArray();
        var label = new int[x.Length];
        for (int iteration = 0; iteration < 100; iteration++)
        {
            bool moved = false;
            for (int i = 0; i < x.Length; i++)
            {
                int best = 0;
                for (int j = 1; j < k; j++)
                    if (Math.Abs(x[i] - centres[j]) < Math.Abs(x[i] - centres[best])) best = j;
                if (best != label[i]) (label[i], moved) = (best, true);
            }
            for (int j = 0; j < k; j++)
            {
                double sum = 0;
                int count = 0;
                for (int i = 0; i < x.Length; i++)
                    if (label[i] == j) (sum, count) = (sum + x[i], count + 1);
                if (count > 0) centres[j] = sum / count;
            }
            if (!moved && iteration > 0) break;
        }
        var resp = new double[x.Length, k];
        for (int i = 0; i < x.Length; i++) resp[i, label[i]] = 1;
        return resp;
    }

    /// <summary>The variational posterior of the mixture, updated in turn from the responsibilities and back.</summary>
    private sealed class State(double[] x, int k, double dataMean, double dataVariance)
    {
        private readonly double[,] _resp = new double[x.Length, k];
        private readonly double[] _alpha = new double[k], _beta = new double[k], _meanPrecision = new double[k], _means = new double[k],
            _dof = new double[k], _variances = new double[k];

        public void MaximiseFrom(double[,] resp)
        {
            Array.Copy(resp, _resp, resp.Length);
            Maximise();
        }

        /// <summary>The M-step: weights (stick-breaking), means, variances (Wishart in 1-D) from the responsibilities.</summary>
        public void Maximise()
        {
            var n = new double[k];
            var xbar = new double[k];
            var s = new double[k];
            for (int j = 0; j < k; j++)
            {
                double nk = 0, sum = 0;
                for (int i = 0; i < x.Length; i++) (nk, sum) = (nk + _resp[i, j], sum + _resp[i, j] * x[i]);
                nk += 10 * MachineEpsilon;
                double m = sum / nk, sq = 0;
                for (int i = 0; i < x.Length; i++) sq += _resp[i, j] * (x[i] - m) * (x[i] - m);
                (n[j], xbar[j], s[j]) = (nk, m, sq / nk + RegCovar);
            }
            double after = 0;
            for (int j = k - 1; j >= 0; j--)
            {
                (_alpha[j], _beta[j]) = (1 + n[j], Concentration + after);
                after += n[j];
            }
            for (int j = 0; j < k; j++)
            {
                _meanPrecision[j] = MeanPrecisionPrior + n[j];
                _means[j] = (MeanPrecisionPrior * dataMean + n[j] * xbar[j]) / _meanPrecision[j];
                _dof[j] = DegreesOfFreedomPrior + n[j];
                double diff = xbar[j] - dataMean;
                _variances[j] = (dataVariance + n[j] * s[j] + n[j] * MeanPrecisionPrior / _meanPrecision[j] * diff * diff) / _dof[j];
            }
        }

        /// <summary>The E-step: new responsibilities; returns the mean absolute change.</summary>
        public double Expect()
        {
            var logWeights = new double[k];
            double stick = 0;
            for (int j = 0; j < k; j++)
            {
                double total = Digamma(_alpha[j] + _beta[j]);
                logWeights[j] = Digamma(_alpha[j]) - total + stick;
                stick += Digamma(_beta[j]) - total;
            }
            // Per component: 1 / s and the terms that do not depend on x.
            var precisionRoot = new double[k];
            var constant = new double[k];
            for (int j = 0; j < k; j++)
            {
                precisionRoot[j] = 1 / Math.Sqrt(_variances[j]);
                double logLambda = Math.Log(2) + Digamma(0.5 * _dof[j]);
                constant[j] = -0.5 * Math.Log(2 * Math.PI) + Math.Log(precisionRoot[j]) - 0.5 * Math.Log(_dof[j])
                    + 0.5 * (logLambda - 1 / _meanPrecision[j]) + logWeights[j];
            }
            double change = 0;
            var row = new double[k];
            for (int i = 0; i < x.Length; i++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j < k; j++)
                {
                    double y = (x[i] - _means[j]) * precisionRoot[j];
                    row[j] = constant[j] - 0.5 * y * y;
                    max = Math.Max(max, row[j]);
                }
                double sum = 0;
                for (int j = 0; j < k; j++) sum += row[j] = Math.Exp(row[j] - max);
                for (int j = 0; j < k; j++)
                {
                    double r = row[j] / sum;
                    change += Math.Abs(r - _resp[i, j]);
                    _resp[i, j] = r;
                }
            }
            return change / x.Length;
        }

        /// <summary>The components above the weight threshold, renormalised, heaviest first.</summary>
        public IReadOnlyList<NumericMode> Modes()
        {
            var weights = new double[k];
            double remaining = 1;
            for (int j = 0; j < k; j++)
            {
                double total = _alpha[j] + _beta[j];
                weights[j] = _alpha[j] / total * remaining;
                remaining *= _beta[j] / total;
            }
            double all = weights.Sum();
            var kept = Enumerable.Range(0, k).Where(j => weights[j] / all > WeightThreshold).ToArray();
            double keptWeight = kept.Sum(j => weights[j]);
            return kept.OrderByDescending(j => weights[j])
                .Select(j => new NumericMode { Weight = weights[j] / keptWeight, Mean = _means[j], Std = Math.Sqrt(_variances[j]) }).ToArray();
        }
    }

    /// <summary>The digamma function: the recurrence up to 10, then the asymptotic series (error below 1e-13).</summary>
    public static double Digamma(double x)
    {
        double result = 0;
        while (x < 10)
        {
            result -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        return result + Math.Log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
    }
}
