using VaeOnnx.Inference.Quality;

namespace VaeOnnx.Tests.Family;

/// <summary>The Fréchet distance of the sample-quality figure against closed forms.</summary>
[TestClass]
public sealed class FrechetDistanceTests
{
    [TestMethod]
    public void MatchesTheClosedFormsOfDiagonalAndTwoByTwoCovariances()
    {
        // Diagonal (commuting) covariances: |m1 - m2|^2 + sum (sigma1 - sigma2)^2.
        double diagonal = FrechetDistance.Compute([0, 1, 2], [4, 0, 0, 0, 1, 0, 0, 0, 9], [1, 1, 0], [1, 0, 0, 0, 1, 0, 0, 0, 4]);
        Assert.AreEqual(1 + 4 + (2 - 1) * (2 - 1) + 0 + (3 - 2) * (3 - 2), diagonal, 1e-9);

        // 2x2 covariances that do not commute: Tr sqrt(M) = sqrt(Tr M + 2 sqrt(det M)) for M = S1 S2.
        double[] s1 = [2, 0.5, 0.5, 1], s2 = [1, -0.3, -0.3, 3];
        double traceProduct = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
        double detProduct = (s1[0] * s1[3] - s1[1] * s1[2]) * (s2[0] * s2[3] - s2[1] * s2[2]);
        double expected = 0.25 + 1 + (2 + 1) + (1 + 3) - 2 * Math.Sqrt(traceProduct + 2 * Math.Sqrt(detProduct));
        Assert.AreEqual(expected, FrechetDistance.Compute([0.5, 0], s1, [0, 1], s2), 1e-9);
        Assert.AreEqual(expected, FrechetDistance.Compute([0, 1], s2, [0.5, 0], s1), 1e-9, "symmetric");
    }

    [TestMethod]
    public void SameRowsGiveZeroAndAShiftGivesItsSquaredLength()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 3000).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        Assert.AreEqual(0, FrechetDistance.Compute(rows, rows, 3), 1e-6);
        var shifted = rows.Select((v, i) => v + (i % 3 == 1 ? 2f : 0f)).ToArray();
        Assert.AreEqual(4, FrechetDistance.Compute(rows, shifted, 3), 1e-4, "a shift leaves the covariance: the distance is |shift|^2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FrechetDistance.Compute(rows, rows, 7)).Message, "not rows of 7");
    }
}
