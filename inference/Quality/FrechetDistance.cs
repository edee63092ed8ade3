namespace VaeOnnx.Inference.Quality;

/// <summary>
/// The Fréchet distance between two sets of feature vectors, each summarised by a Gaussian (its mean and covariance):
/// <c>|m1 - m2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))</c>, the formula of FID (Heusel et al., 2017). The trace of the matrix
/// square root is computed as the sum of the square roots of the eigenvalues of S1^(1/2) S2 S1^(1/2), a symmetric
/// positive semi-definite matrix, with Jacobi rotations in double precision.
/// </summary>
public static class FrechetDistance
{
    /// <summary>The distance between the rows of <paramref name="a"/> and of <paramref name="b"/> (row-major, <paramref name="dim"/> values per row).</summary>
    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int dim)
    {
        var (m1, s1) = Moments(a, dim);
        var (m2, s2) = Moments(b, dim);
        return Compute(m1, s1, m2, s2);
    }

    /// <summary>The distance between N(<paramref name="m1"/>, <paramref name="s1"/>) and N(<paramref name="m2"/>, <paramref name="s2"/>) (covariances row-major).</summary>
    public static double Compute(double[] m1, double[] s1, double[] m2, double[] s2)
    {
        int d = m1.Length;
        double meanTerm = 0;
        for (int i = 0; i < d; i++) meanTerm += (m1[i] - m2[i]) * (m1[i] - m2[i]);
        double trace = 0;
        for (int i = 0; i < d; i++) trace += s1[i * d + i] + s2[i * d + i];
        var root = SymmetricFunction(s1, d, Math.Sqrt);
        var product = Multiply(Multiply(root, s2, d), root, d);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++) product[i * d + j] = product[j * d + i] = 0.5 * (product[i * d + j] + product[j * d + i]);
        double sqrtTrace = Eigenvalues(product, d).Sum(v => Math.Sqrt(Math.Max(v, 0)));
        return meanTerm + trace - 2 * sqrtTrace;
    }

    /// <summary>Mean and unbiased (n - 1) covariance of the rows, row-major.</summary>
    private static (double[] Mean, double[] Covariance) Moments(ReadOnlySpan<float> rows, int dim)
    {
        if (dim < 1 || rows.Length % dim != 0) throw new ArgumentException($"{rows.Length} values are not rows of {dim}");
        int n = rows.Length / dim;
        if (n < 2) throw new ArgumentException($"{n} rows; a covariance needs at least 2");
        var mean = new double[dim];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < dim; j++) mean[j] += rows[r * dim + j];
        for (int j = 0; j < dim; j++) mean[j] /= n;
        var covariance = new double[dim * dim];
        var diff = new double[dim];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < dim; j++) diff[j] = rows[r * dim + j] - mean[j];
            for (int i = 0; i < dim; i++)
            {
                double di = diff[i];
                if (di == 0) continue;
                for (int j = 0; j <= i; j++) covariance[i * dim + j] += di * diff[j];
            }
        }
        for (int i = 0; i < dim; i++)
            for (int j = 0; j <= i; j++) covariance[j * dim + i] = covariance[i * dim + j] /= n - 1;
        return (mean, covariance);
    }

    /// <summary>f applied to the eigenvalues of the symmetric <paramref name="a"/>: V f(L) V'.</summary>
    private static double[] SymmetricFunction(double[] a, int d, Func<double, double> f)
    {
        var (values, vectors) = Jacobi(a, d);
        var result = new double[d * d];
        for (int k = 0; k < d; k++)
        {
            double fk = f(Math.Max(values[k], 0));
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) result[i * d + j] += vectors[i * d + k] * fk * vectors[j * d + k];
        }
        return result;
    }

    private static double[] Eigenvalues(double[] a, int d) => Jacobi(a, d).Values;

    /// <summary>Cyclic Jacobi: eigenvalues and eigenvectors (columns of V, row-major) of a symmetric matrix.</summary>
    private static (double[] Values, double[] Vectors) Jacobi(double[] input, int d)
    {
        var a = (double[])input.Clone();
        var v = new double[d * d];
        for (int i = 0; i < d; i++) v[i * d + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diagonal = 0;
            for (int i = 0; i < d; i++)
            {
                diagonal += a[i * d + i] * a[i * d + i];
                for (int j = i + 1; j < d; j++) off += a[i * d + j] * a[i * d + j];
            }
            if (off <= 1e-30 * Math.Max(diagonal, 1e-300)) break;
            for (int p = 0; p < d - 1; p++)
                for (int q = p + 1; q < d; q++)
                {
                    double apq = a[p * d + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k * d + p], akq = a[k * d + q];
                        a[k * d + p] = c * akp - s * akq;
                        a[k * d + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p * d + k], aqk = a[q * d + k];
                        a[p * d + k] = c * apk - s * aqk;
                        a[q * d + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k * d + p], vkq = v[k * d + q];
                        v[k * d + p] = c * vkp - s * vkq;
                        v[k * d + q] = s * vkp + c * vkq;
                    }
                }
        }
        var values = new double[d];
        for (int i = 0; i < d; i++) values[i] = a[i * d + i];
        return (values, v);
    }

    private static double[] Multiply(double[] x, double[] y, int d)
    {
        var result = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++)
            {
                double xik = x[i * d + k];
                if (xik == 0) continue;
                for (int j = 0; j < d; j++) result[i * d + j] += xik * y[k * d + j];
            }
        return result;
    }
}
