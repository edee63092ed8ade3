namespace VaeOnnx.Cli.Pictures;

/// <summary>
/// Projects rows onto their first two principal components (power iteration with deflation on the covariance),
/// so latent codes of any dimension can be drawn on a plane. Two-dimensional inputs pass through unchanged.
/// </summary>
public static class PrincipalComponents
{
    /// <summary>Returns (x, y) per row of a row-major [rows, dims] block.</summary>
    public static (double[] X, double[] Y) Project2D(float[] values, int rows, int dims)
    {
        if (rows == 0) return ([], []);
        if (dims == 1) return (values.Select(v => (double)v).ToArray(), new double[rows]);
        if (dims == 2) return (Enumerable.Range(0, rows).Select(r => (double)values[r * 2]).ToArray(), Enumerable.Range(0, rows).Select(r => (double)values[r * 2 + 1]).ToArray());
        var mean = new double[dims];
        for (int r = 0; r < rows; r++) for (int j = 0; j < dims; j++) mean[j] += values[r * dims + j];
        for (int j = 0; j < dims; j++) mean[j] /= rows;
        var cov = new double[dims, dims];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < dims; i++)
            {
                double a = values[r * dims + i] - mean[i];
                for (int j = 0; j < dims; j++) cov[i, j] += a * (values[r * dims + j] - mean[j]);
            }
        var first = TopEigenvector(cov, dims);
        double lambda = Rayleigh(cov, first, dims);
        for (int i = 0; i < dims; i++) for (int j = 0; j < dims; j++) cov[i, j] -= lambda * first[i] * first[j];
        var second = TopEigenvector(cov, dims);
        var x = new double[rows];
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < dims; j++)
            {
                double c = values[r * dims + j] - mean[j];
                x[r] += c * first[j];
                y[r] += c * second[j];
            }
        return (x, y);
    }

    private static double[] TopEigenvector(double[,] m, int n)
    {
        var v = Enumerable.Range(0, n).Select(i => 1.0 + 0.01 * i).ToArray();
        for (int iteration = 0; iteration < 500; iteration++)
        {
            var next = new double[n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) next[i] += m[i, j] * v[j];
            double norm = Math.Sqrt(next.Sum(t => t * t));
            if (norm == 0) return v;
            for (int i = 0; i < n; i++) next[i] /= norm;
            v = next;
        }
        return v;
    }

    private static double Rayleigh(double[,] m, double[] v, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s += v[i] * m[i, j] * v[j];
        return s;
    }
}
