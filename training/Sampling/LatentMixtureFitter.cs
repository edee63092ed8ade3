using VaeOnnx.Contract;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Training.Sampling;

/// <summary>
/// Fits a full-covariance Gaussian mixture to latent codes with EM (k-means++ centres refined by k-means, then EM until the
/// mean log-likelihood stops improving), in double precision. The number of components is chosen among the candidates by
/// the likelihood of held-out codes (smallest first, until <see cref="MixtureFitOptions.Patience"/> successive candidates
/// fail to beat the best), and the chosen count is refitted on all the codes. Deterministic for a seed.
/// </summary>
public static class LatentMixtureFitter
{
    /// <summary>Fits a mixture to <paramref name="codes"/> (row-major, <paramref name="dim"/> values per code).</summary>
    public static LatentMixture Fit(ReadOnlySpan<float> codes, int dim, MixtureFitOptions options)
    {
        options.Validate();
        if (dim < 1 || codes.Length % dim != 0) throw new ArgumentException($"{codes.Length} code values are not rows of {dim}");
        int rows = codes.Length / dim;
        var order = DatasetSplitter.Permutation(rows, options.Seed);
        int used = Math.Min(rows, options.MaxRows);
        var data = new double[used][];
        for (int i = 0; i < used; i++)
        {
            data[i] = new double[dim];
            for (int j = 0; j < dim; j++) data[i][j] = codes[order[i] * dim + j];
        }
        var candidates = options.Candidates.Distinct().Order().ToArray();
        if (candidates.Length == 1)
        {
            if (candidates[0] > used) throw new ArgumentException($"{used} codes are too few for {candidates[0]} components");
            return Mixture(Em(data, candidates[0], options), used, null);
        }
        int heldOut = (int)Math.Round(options.HeldOutFraction * used);
        if (heldOut < 1 || used - heldOut < candidates.Min())
            throw new ArgumentException($"{used} codes are too few to hold out {options.HeldOutFraction:P0} and fit {candidates.Min()} components");
        var fitRows = data[heldOut..];
        var heldOutRows = data[..heldOut];
        var scores = new List<double>();
        var tried = new List<int>();
        int sinceBest = 0;
        foreach (int k in candidates.Where(k => k <= fitRows.Length))
        {
            var model = Em(fitRows, k, options);
            double score = MeanLogLikelihood(model, heldOutRows);
            sinceBest = scores.Count == 0 || score > scores.Max() ? 0 : sinceBest + 1;
            scores.Add(score);
            tried.Add(k);
            if (sinceBest >= options.Patience) break;
        }
        int best = tried[scores.IndexOf(scores.Max())];
        var selection = new MixtureSelection { Candidates = [.. tried], HeldOutLogLikelihood = [.. scores], HeldOutRows = heldOut };
        return Mixture(Em(data, best, options), used, selection);
    }

    /// <summary>
    /// Fits one mixture per condition to the codes of that condition's rows (<paramref name="conditions"/>: class indices
    /// from 0 to <paramref name="conditionDim"/> - 1), each choosing its own number of components, and joins them: a
    /// component's weight is its weight within its condition times the condition's share of the codes. A conditional
    /// decoder is trained on the codes its encoder gives each class, which need not cover the prior evenly; drawing a
    /// class's codes from where that class's training codes lie keeps the draw and the condition in agreement.
    /// </summary>
    public static LatentMixture FitPerCondition(ReadOnlySpan<float> codes, IReadOnlyList<int> conditions, int dim, int conditionDim, MixtureFitOptions options)
    {
        options.Validate();
        if (dim < 1 || codes.Length % dim != 0) throw new ArgumentException($"{codes.Length} code values are not rows of {dim}");
        int rows = codes.Length / dim;
        if (conditions.Count != rows) throw new ArgumentException($"{conditions.Count} conditions for {rows} codes; expected one per code");
        // One seeded subset of all the codes, so that the conditions keep their shares of it.
        var order = DatasetSplitter.Permutation(rows, options.Seed);
        var parts = Enumerable.Range(0, conditionDim).Select(_ => new List<float>()).ToArray();
        for (int i = 0; i < Math.Min(rows, options.MaxRows); i++)
        {
            int r = order[i], c = conditions[r];
            if (c < 0 || c >= conditionDim) throw new ArgumentException($"code {r} has condition {c}; expected 0 to {conditionDim - 1}");
            parts[c].AddRange(codes.Slice(r * dim, dim));
        }
        int used = parts.Sum(p => p.Count) / dim;
        var fits = new LatentMixture[conditionDim];
        for (int c = 0; c < conditionDim; c++)
        {
            if (parts[c].Count == 0) throw new ArgumentException($"condition {c} has no codes among the {used} used; every condition needs training rows");
            fits[c] = Fit(parts[c].ToArray(), dim, options with { MaxRows = int.MaxValue });
        }
        return new LatentMixture
        {
            Weights = [.. fits.SelectMany(f => f.Weights.Select(w => w * f.FittedRows / used))],
            Means = [.. fits.SelectMany(f => f.Means)],
            Cholesky = [.. fits.SelectMany(f => f.Cholesky)],
            ComponentConditions = [.. fits.SelectMany((f, c) => Enumerable.Repeat(c, f.Components))],
            ConditionSelections = [.. fits.Select(f => f.Selection)],
            FittedRows = used,
        };
    }

    /// <summary>Mean log-density of <paramref name="rows"/> under <paramref name="mixture"/> (nats per code).</summary>
    public static double MeanLogLikelihood(LatentMixture mixture, IReadOnlyList<double[]> rows) =>
        MeanLogLikelihood(MixtureModel.From(mixture), rows);

    private static double MeanLogLikelihood(MixtureModel model, IReadOnlyList<double[]> rows)
    {
        double total = 0;
        var logs = new double[model.K];
        foreach (var row in rows) total += model.LogDensity(row, logs);
        return total / rows.Count;
    }

    private static LatentMixture Mixture(MixtureModel model, int rows, MixtureSelection? selection) => new()
    {
        Weights = model.Weights, Means = model.Means, Cholesky = model.Cholesky, FittedRows = rows, Selection = selection,
    };

    /// <summary>EM from k-means centres; stops at <see cref="MixtureFitOptions.Tolerance"/> or the iteration limit.</summary>
    private static MixtureModel Em(double[][] data, int k, MixtureFitOptions options)
    {
        int n = data.Length, d = data[0].Length;
        var model = MixtureModel.Initial(data, KMeans.Centres(data, k, options.Seed), options.Regularization);
        var responsibilities = new double[n][];
        for (int i = 0; i < n; i++) responsibilities[i] = new double[k];
        double previous = double.NegativeInfinity;
        for (int iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            double logLikelihood = model.Expect(data, responsibilities) / n;
            model = MixtureModel.Maximise(data, responsibilities, options.Regularization, d);
            if (logLikelihood - previous < options.Tolerance) break;
            previous = logLikelihood;
        }
        return model;
    }
}
