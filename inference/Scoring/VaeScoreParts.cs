using VaeOnnx.Contract;

namespace VaeOnnx.Inference;

/// <summary>
/// The names of the anomaly score's parts, defined once: the outputs of the score graph, the suffixes of the ML.NET
/// columns (<c>Score</c>, <c>Score_recon</c>, <c>Score_kl</c>, <c>Score_sqerr</c>), the CSV header of <c>vae score</c>.
/// </summary>
public static class VaeScoreParts
{
    /// <summary>Negative ELBO with z = mu: reconstruction + KL.</summary>
    public const string Score = TableScoreGraph.Score;
    /// <summary>-log p(x | z = mu) in the scaled space.</summary>
    public const string Reconstruction = TableScoreGraph.Reconstruction;
    /// <summary>KL(q(z|x) || N(0, I)).</summary>
    public const string Kl = TableScoreGraph.Kl;
    /// <summary>Sum of squared differences between x and its reconstruction, raw units.</summary>
    public const string SquaredError = "sqerr";

    /// <summary>The four parts in output order.</summary>
    public static IReadOnlyList<string> All { get; } = [Score, Reconstruction, Kl, SquaredError];

    /// <summary>The ML.NET column of a part for a score column named <paramref name="scoreColumn"/>: the column itself for the score, else <c>{scoreColumn}_{part}</c>.</summary>
    public static string Column(string scoreColumn, string part) => part == Score ? scoreColumn : $"{scoreColumn}_{part}";
}
