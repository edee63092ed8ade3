using VaeOnnx.Contract;

namespace VaeOnnx.Training.Sampling;

/// <summary>A full-covariance Gaussian mixture during EM: weights, means and Cholesky factors, with the E and M steps.</summary>
internal sealed class MixtureModel
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private readonly double[] _logNorm;

    private MixtureModel(double[] weights, double[][] means, double[][] cholesky)
    {
        (Weights, Means, Cholesky) = (weights, means, cholesky);
        int d = means[0].Length;
        // log of w_c / ((2 pi)^(d/2) |Sigma_c|^(1/2)): the terms of log w_c N(x; mu_c, Sigma_c) that do not depend on x.
        _logNorm = new double[weights.Length];
        for (int c = 0; c < weights.Length; c++)
        {
            double logDet = 0;
            for (int i = 0; i < d; i++) logDet += 2 * Math.Log(cholesky[c][i * d + i]);
            _logNorm[c] = Math.Log(Math.Max(weights[c], 1e-300)) - 0.5 * (d * Log2Pi + logDet);
        }
    }

    public double[] Weights { get; }
    public double[][] Means { get; }
    public double[][] Cholesky { get; }
    public int K => Weights.Length;

    public static MixtureModel From(LatentMixture mixture) => new(mixture.Weights, mixture.Means, mixture.Cholesky);

    /// <summary>Equal weights, the given centres and the data's overall covariance for every component.</summary>
    public static MixtureModel Initial(double[][] data, double[][] centres, double regularization)
    {
        int n = data.Length, d = data[0].Length, k = centres.Length;
        var responsibilities = new double[n][];
        for (int i = 0; i < n; i++)
        {
            responsibilities[i] = new double[k];
            int nearest = 0;
            double best = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                double distance = 0;
                for (int j = 0; j < d; j++) distance += (data[i][j] - centres[c][j]) * (data[i][j] - centres[c][j]);
                if (distance < best) (nearest, best) = (c, distance);
            }
            responsibilities[i][nearest] = 1;
        }
        return Maximise(data, responsibilities, regularization, d);
    }

    /// <summary>log sum_c w_c N(x; mu_c, Sigma_c); <paramref name="logs"/> receives the per-component terms.</summary>
    public double LogDensity(double[] x, double[] logs)
    {
        int d = x.Length;
        Span<double> y = stackalloc double[d];
        double max = double.NegativeInfinity;
        for (int c = 0; c < K; c++)
        {
            var l = Cholesky[c];
            var mean = Means[c];
            double quadratic = 0;
            // Forward substitution L y = x - mu: |y|^2 is the Mahalanobis distance.
            for (int i = 0; i < d; i++)
            {
                double v = x[i] - mean[i];
                for (int j = 0; j < i; j++) v -= l[i * d + j] * y[j];
                y[i] = v / l[i * d + i];
                quadratic += y[i] * y[i];
            }
            logs[c] = _logNorm[c] - 0.5 * quadratic;
            max = Math.Max(max, logs[c]);
        }
        double sum = 0;
        for (int c = 0; c < K; c++) sum += Math.Exp(logs[c] - max);
        return max + Math.Log(sum);
    }

    /// <summary>The E step: responsibilities of every row; returns the summed log-likelihood.</summary>
    public double Expect(double[][] data, double[][] responsibilities)
    {
        var partial = new double[data.Length];
        Parallel.For(0, data.Length, () => new double[K], (i, _, logs) =>
        {
            double total = LogDensity(data[i], logs);
            for (int c = 0; c < K; c++) responsibilities[i][c] = Math.Exp(logs[c] - total);
            partial[i] = total;
            return logs;
        }, _ => { });
        return partial.Sum();
    }

    /// <summary>The M step: weights, means and regularised covariances (as Cholesky factors) from the responsibilities.</summary>
    public static MixtureModel Maximise(double[][] data, double[][] responsibilities, double regularization, int d)
    {
        int n = data.Length, k = responsibilities[0].Length;
        var weights = new double[k];
        var means = new double[k][];
        var cholesky = new double[k][];
        Parallel.For(0, k, c =>
        {
            double total = 0;
            var mean = new double[d];
            for (int i = 0; i < n; i++)
            {
                double r = responsibilities[i][c];
                total += r;
                for (int j = 0; j < d; j++) mean[j] += r * data[i][j];
            }
            double safe = Math.Max(total, 1e-10);
            for (int j = 0; j < d; j++) mean[j] /= safe;
            var covariance = new double[d * d];
            var diff = new double[d];
            for (int i = 0; i < n; i++)
            {
                double r = responsibilities[i][c];
                if (r < 1e-12) continue;
                for (int j = 0; j < d; j++) diff[j] = data[i][j] - mean[j];
                for (int a = 0; a < d; a++)
                    for (int b = 0; b <= a; b++) covariance[a * d + b] += r * diff[a] * diff[b];
            }
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b <= a; b++) covariance[a * d + b] /= safe;
                covariance[a * d + a] += regularization;
            }
            weights[c] = total / n;
            means[c] = mean;
            cholesky[c] = CholeskyFactor(covariance, d);
        });
        double sum = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= sum;
        return new MixtureModel(weights, means, cholesky);
    }

    /// <summary>The lower-triangular L with L L' = A, for A given by its lower triangle (row-major).</summary>
    private static double[] CholeskyFactor(double[] a, int d)
    {
        var l = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * d + j];
                for (int p = 0; p < j; p++) sum -= l[i * d + p] * l[j * d + p];
                if (i == j) l[i * d + i] = Math.Sqrt(Math.Max(sum, 1e-12));
                else l[i * d + j] = sum / l[j * d + j];
            }
        return l;
    }
}
