using VaeOnnx.Training.Sampling;

namespace VaeOnnx.Tests.Family;

/// <summary>The Gaussian mixture fitted to latent codes: recovers known components, chooses k by held-out likelihood, draws reproducibly.</summary>
[TestClass]
public sealed class LatentMixtureTests
{
    private static readonly double[][] TrueMeans = [[-4, 0], [4, 1], [0, 5]];
    private static readonly double[] TrueWeights = [0.5, 0.3, 0.2];

    /// <summary>Codes from three separated 2-D Gaussians with weights 0.5, 0.3, 0.2 (component 1 stretched along x).</summary>
    private static float[] Codes(int rows, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var codes = new float[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            double u = random.NextDouble();
            int c = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
            double sx = c == 1 ? 1.5 : 0.5, sy = 0.5;
            codes[2 * r] = (float)(TrueMeans[c][0] + sx * Normal());
            codes[2 * r + 1] = (float)(TrueMeans[c][1] + sy * Normal());
        }
        return codes;
    }

    [TestMethod]
    public void HeldOutLikelihoodChoosesTheComponentsAndTheFitRecoversThem()
    {
        var codes = Codes(3000, 4);
        var mixture = LatentMixtureFitter.Fit(codes, 2, new MixtureFitOptions { Candidates = [1, 2, 3, 5, 8] });
        var s = mixture.Selection!;
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 5, 8 }, s.Candidates);
        Assert.AreEqual(600, s.HeldOutRows);
        double one = s.HeldOutLogLikelihood[0], two = s.HeldOutLogLikelihood[1], three = s.HeldOutLogLikelihood[2];
        Assert.IsTrue(three > two + 0.3 && two > one + 0.3, $"held-out log-likelihood 1: {one}, 2: {two}, 3: {three}");
        Assert.IsTrue(mixture.Components >= 3, $"chose {mixture.Components}");
        Assert.IsTrue(s.HeldOutLogLikelihood.Max() - three < 0.02, $"more components add at most a little on held-out codes: {string.Join(", ", s.HeldOutLogLikelihood)}");

        var exact = LatentMixtureFitter.Fit(codes, 2, new MixtureFitOptions { Candidates = [3] });
        Assert.IsNull(exact.Selection);
        Assert.AreEqual(3000, exact.FittedRows);
        exact.Validate(2, "fit");
        for (int c = 0; c < 3; c++)
        {
            int found = Enumerable.Range(0, 3).MinBy(i => Math.Abs(exact.Means[i][0] - TrueMeans[c][0]) + Math.Abs(exact.Means[i][1] - TrueMeans[c][1]));
            Assert.AreEqual(TrueMeans[c][0], exact.Means[found][0], 0.15, $"component {c} mean x");
            Assert.AreEqual(TrueMeans[c][1], exact.Means[found][1], 0.15, $"component {c} mean y");
            Assert.AreEqual(TrueWeights[c], exact.Weights[found], 0.03, $"component {c} weight");
            // Cholesky factor of diag(sx^2, sy^2): its diagonal is the standard deviations.
            Assert.AreEqual(c == 1 ? 1.5 : 0.5, exact.Cholesky[found][0], 0.1, $"component {c} sd x");
            Assert.AreEqual(0.5, exact.Cholesky[found][3], 0.05, $"component {c} sd y");
        }

        // Held-out codes of the same source score about as well as the fit's own; the mixture beats one Gaussian on them.
        var fresh = Codes(2000, 9).Chunk(2).Select(p => p.Select(v => (double)v).ToArray()).ToList();
        double mixed = LatentMixtureFitter.MeanLogLikelihood(exact, fresh);
        double single = LatentMixtureFitter.MeanLogLikelihood(LatentMixtureFitter.Fit(codes, 2, new MixtureFitOptions { Candidates = [1] }), fresh);
        Assert.IsTrue(mixed > single + 0.5, $"mixture {mixed} vs one Gaussian {single} nats per code");
    }

    [TestMethod]
    public void TheSearchStopsOncePatienceCandidatesFailToBeatTheBest()
    {
        var candidates = Enumerable.Range(1, 16).ToArray();
        var mixture = LatentMixtureFitter.Fit(Codes(3000, 4), 2, new MixtureFitOptions { Candidates = candidates, Patience = 1 });
        var s = mixture.Selection!;
        int best = Array.IndexOf(s.HeldOutLogLikelihood, s.HeldOutLogLikelihood.Max());
        Assert.AreEqual(s.Candidates[best], mixture.Components, "the refit uses the best candidate");
        CollectionAssert.AreEqual(candidates[..s.Candidates.Length], s.Candidates, "candidates are tried smallest first");
        Assert.IsTrue(s.Candidates.Length < candidates.Length, $"three true components: the search turned before 16 ({string.Join(", ", s.HeldOutLogLikelihood)})");
        // With a patience of 1 the search ends at the first candidate after the best that does not beat it.
        Assert.AreEqual(best + 2, s.Candidates.Length);
        Assert.IsTrue(s.HeldOutLogLikelihood[^1] <= s.HeldOutLogLikelihood[best]);

        var error = Assert.ThrowsExactly<ArgumentException>(() => LatentMixtureFitter.Fit(Codes(100, 4), 2, new MixtureFitOptions { Patience = 0 }));
        StringAssert.Contains(error.Message, "patience is 0");
    }

    [TestMethod]
    public void AMixturePerConditionDrawsEachConditionFromItsOwnCodes()
    {
        // Condition 0: the source's first component (x near -4); condition 1: the other two (x near 4 and 0).
        var codes = Codes(4000, 5);
        var conditions = Enumerable.Range(0, 4000).Select(r => codes[2 * r] < -2 ? 0 : 1).ToArray();
        var mixture = LatentMixtureFitter.FitPerCondition(codes, conditions, 2, 2, new MixtureFitOptions { Candidates = [1, 2, 3, 4] });
        mixture.Validate(2, "fit", conditionDim: 2);
        var owners = mixture.ComponentConditions!;
        Assert.AreEqual(2, mixture.ConditionSelections!.Length);
        Assert.AreEqual(1, owners.Count(o => o == 0), "one Gaussian for condition 0");
        Assert.IsTrue(owners.Count(o => o == 1) >= 2, $"condition 1 holds two clusters: {owners.Count(o => o == 1)} components");
        double share0 = conditions.Count(c => c == 0) / 4000.0;
        Assert.AreEqual(share0, owners.Select((o, k) => o == 0 ? mixture.Weights[k] : 0).Sum(), 1e-9, "weights carry each condition's share");

        var zeros = mixture.DrawFor(Enumerable.Repeat(0, 5000).ToArray(), seed: 3);
        var ones = mixture.DrawFor(Enumerable.Repeat(1, 5000).ToArray(), seed: 3);
        Assert.IsTrue(Enumerable.Range(0, 5000).Count(r => zeros[2 * r] < -2) > 4900, "condition 0 draws lie at its codes");
        Assert.IsTrue(Enumerable.Range(0, 5000).Count(r => ones[2 * r] < -2) < 100, "condition 1 draws lie away from condition 0's codes");
        // Within condition 1 the cluster at y = 5 keeps its share of that condition's codes (0.2 / 0.5 of the source).
        double top = Enumerable.Range(0, 5000).Count(r => ones[2 * r + 1] > 3) / 5000.0;
        double expected = Enumerable.Range(0, 4000).Count(r => conditions[r] == 1 && codes[2 * r + 1] > 3) / (double)conditions.Count(c => c == 1);
        Assert.AreEqual(expected, top, 0.03);

        var back = VaeOnnx.Contract.LatentMixture.Parse(mixture.ToJson(), "model.onnx", 2, conditionDim: 2);
        CollectionAssert.AreEqual(ones, back.DrawFor(Enumerable.Repeat(1, 5000).ToArray(), seed: 3), "the stored mixture draws the same codes");
        var noCondition = Assert.ThrowsExactly<VaeOnnx.Contract.ModelFileException>(() => VaeOnnx.Contract.LatentMixture.Parse(mixture.ToJson(), "model.onnx", 2));
        StringAssert.Contains(noCondition.Message, "the pair has no condition");
        var missing = Assert.ThrowsExactly<VaeOnnx.Contract.ModelFileException>(() => VaeOnnx.Contract.LatentMixture.Parse(mixture.ToJson(), "model.onnx", 2, conditionDim: 3));
        StringAssert.Contains(missing.Message, "condition 2 has no component");

        // An unconditional mixture ignores the conditions: DrawFor equals Draw for the same seed.
        var plain = LatentMixtureFitter.Fit(codes, 2, new MixtureFitOptions { Candidates = [3] });
        CollectionAssert.AreEqual(plain.Draw(100, seed: 4), plain.DrawFor(Enumerable.Repeat(1, 100).ToArray(), seed: 4));
        var unknown = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mixture.DrawFor([0, 1, 2], seed: 1));
        StringAssert.Contains(unknown.Message, "row 2: condition 2");
    }

    [TestMethod]
    public void DrawsFollowTheMixtureAndRepeatForASeed()
    {
        var mixture = LatentMixtureFitter.Fit(Codes(3000, 4), 2, new MixtureFitOptions { Candidates = [3] });
        var draws = mixture.Draw(20_000, seed: 7);
        CollectionAssert.AreEqual(draws, mixture.Draw(20_000, seed: 7));
        Assert.IsFalse(draws.AsSpan(0, 100).SequenceEqual(mixture.Draw(20_000, seed: 8).AsSpan(0, 100)));
        // The draws' overall mean is the weighted mean of the components; the share near each true mean is its weight.
        double meanX = 0, meanY = 0;
        for (int r = 0; r < 20_000; r++) (meanX, meanY) = (meanX + draws[2 * r] / 20_000.0, meanY + draws[2 * r + 1] / 20_000.0);
        // (The fitted mixture's, which differs from the source's by the sampling noise of its 3,000 codes.)
        Assert.AreEqual(mixture.Weights.Zip(mixture.Means, (w, m) => w * m[0]).Sum(), meanX, 0.08);
        Assert.AreEqual(mixture.Weights.Zip(mixture.Means, (w, m) => w * m[1]).Sum(), meanY, 0.08);
        int top = Enumerable.Range(0, 3).MaxBy(c => mixture.Means[c][1]);
        int nearTop = Enumerable.Range(0, 20_000).Count(r => draws[2 * r + 1] > 3);
        Assert.AreEqual(mixture.Weights[top], nearTop / 20_000.0, 0.015);

        var json = mixture.ToJson();
        var back = VaeOnnx.Contract.LatentMixture.Parse(json, "model.onnx", 2);
        CollectionAssert.AreEqual(draws, back.Draw(20_000, seed: 7), "the stored mixture draws the same codes");
        var error = Assert.ThrowsExactly<VaeOnnx.Contract.ModelFileException>(() => VaeOnnx.Contract.LatentMixture.Parse(json, "model.onnx", 3));
        StringAssert.Contains(error.Message, "model.onnx");
        StringAssert.Contains(error.Message, "3 values");
    }
}
