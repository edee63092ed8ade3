namespace VaeOnnx.Training.Sampling;

/// <summary>How <see cref="LatentMixtureFitter"/> fits a Gaussian mixture to latent codes.</summary>
public sealed record MixtureFitOptions
{
    /// <summary>
    /// Component counts to try, smallest first; the one whose mixture gives the held-out codes the highest likelihood wins.
    /// The default reaches 64 because 20-dimensional codes of a trained VAE were still gaining at 20.
    /// </summary>
    public IReadOnlyList<int> Candidates { get; init; } = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64];

    /// <summary>
    /// The search stops once this many successive candidates have not beaten the best held-out likelihood: past the turn,
    /// larger mixtures only overfit the fitting codes, and each one costs more EM time than the last.
    /// </summary>
    public int Patience { get; init; } = 2;

    /// <summary>At most this many codes are used (a seeded random subset), which bounds the fit's time.</summary>
    public int MaxRows { get; init; } = 10_000;

    /// <summary>Fraction of the codes held out to choose the number of components.</summary>
    public double HeldOutFraction { get; init; } = 0.2;

    /// <summary>EM iterations at most per fit.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>EM stops when the mean log-likelihood per code improves by less than this many nats.</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Added to every covariance's diagonal, so that a component on few codes stays positive definite (as scikit-learn's reg_covar).</summary>
    public double Regularization { get; init; } = 1e-6;

    /// <summary>Seed of the subset, the split and the initial centres.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Checks the settings and names the one that is wrong.</summary>
    public void Validate()
    {
        if (Candidates is null || Candidates.Count == 0 || Candidates.Any(k => k < 1 || k > 1024))
            throw new ArgumentException("mixture candidates must be component counts from 1 to 1024");
        if (MaxRows < 2) throw new ArgumentException($"mixture max rows is {MaxRows}; expected at least 2");
        if (!(HeldOutFraction > 0 && HeldOutFraction < 1) && Candidates.Count > 1)
            throw new ArgumentException($"mixture held-out fraction is {HeldOutFraction}; expected a fraction between 0 and 1 to choose among {Candidates.Count} candidates");
        if (Patience < 1) throw new ArgumentException($"mixture patience is {Patience}; expected at least 1 candidate");
        if (MaxIterations < 1) throw new ArgumentException($"mixture iterations is {MaxIterations}; expected at least 1");
        if (!(Regularization > 0)) throw new ArgumentException($"mixture regularization is {Regularization}; expected a positive number");
    }
}
