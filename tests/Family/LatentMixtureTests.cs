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
