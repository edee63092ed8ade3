using TorchSharp;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

[TestClass]
public sealed class ElboLossTests
{
    [TestMethod]
    public void KlMatchesHandComputedValue()
    {
        using var scope = NewDisposeScope();
        var mu = tensor(new float[] { 0.5f, -1.0f, 0f, 2f }, [2, 2]);
        var logvar = tensor(new float[] { 0f, Math.Log(0.25) is var l ? (float)l : 0f, 1f, -2f }, [2, 2]);
        var kl = ElboLoss.KlToStandardNormal(mu, logvar).data<float>().ToArray();
        // KL(N(m, s2) || N(0,1)) = 0.5 * (s2 + m^2 - 1 - ln s2), summed over dims.
        static double Term(double m, double s2) => 0.5 * (s2 + m * m - 1 - Math.Log(s2));
        Assert.AreEqual(Term(0.5, 1) + Term(-1, 0.25), kl[0], 1e-5);
        Assert.AreEqual(Term(0, Math.E) + Term(2, Math.Exp(-2)), kl[1], 1e-5);
    }

    [TestMethod]
    public void KlIsZeroForTheStandardNormal()
    {
        using var scope = NewDisposeScope();
        var kl = ElboLoss.KlToStandardNormal(zeros(3, 5), zeros(3, 5)).data<float>().ToArray();
        CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, kl);
    }

    [TestMethod]
    public void BernoulliNllIsBinaryCrossEntropyOfTheLogitsSummedOverFeatures()
    {
        using var scope = NewDisposeScope();
        float[] logits = [2f, -1f, 0.3f, 0f, 5f, -4f];
        float[] x = [1f, 0f, 0.25f, 0.5f, 0.9f, 0.1f];
        var nll = ElboLoss.ReconstructionNll(Likelihood.Bernoulli, tensor(logits, [2, 3]), tensor(x, [2, 3]), zeros(3)).data<float>().ToArray();
        double Row(int r)
        {
            double sum = 0;
            for (int j = 0; j < 3; j++)
            {
                double p = 1 / (1 + Math.Exp(-logits[r * 3 + j]));
                sum -= x[r * 3 + j] * Math.Log(p) + (1 - x[r * 3 + j]) * Math.Log(1 - p);
            }
            return sum;
        }
        Assert.AreEqual(Row(0), nll[0], 1e-5);
        Assert.AreEqual(Row(1), nll[1], 1e-5);
    }

    [TestMethod]
    public void GaussianNllMatchesTheDensity()
    {
        using var scope = NewDisposeScope();
        float[] mean = [0f, 1f, -2f];
        float[] x = [0.5f, 1f, 0f];
        float[] logvar = [0f, -1f, 2f];
        var nll = ElboLoss.ReconstructionNll(Likelihood.Gaussian, tensor(mean, [1, 3]), tensor(x, [1, 3]), tensor(logvar)).item<float>();
        double expected = 0;
        for (int j = 0; j < 3; j++)
        {
            double v = Math.Exp(logvar[j]);
            expected -= -0.5 * Math.Log(2 * Math.PI * v) - (x[j] - mean[j]) * (x[j] - mean[j]) / (2 * v);
        }
        Assert.AreEqual(expected, nll, 1e-5);
    }

    [TestMethod]
    public void ReparameterisationGradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var mu = tensor(new double[] { 0.3, -0.7 }, requires_grad: true);
        var logvar = tensor(new double[] { -0.4, 0.9 }, requires_grad: true);
        var eps = tensor(new double[] { 1.3, -0.6 });
        // A smooth function of z: the gradient through z = mu + exp(logvar/2) * eps must reach mu and logvar.
        Func<Tensor, Tensor, Tensor> f = (m, lv) => VariationalAutoencoder.Reparameterize(m, lv, eps).pow(3).sum();
        f(mu, logvar).backward();
        var gMu = mu.grad!.data<double>().ToArray();
        var gLv = logvar.grad!.data<double>().ToArray();
        const double h = 1e-6;
        for (int i = 0; i < 2; i++)
        {
            using var noGrad = no_grad();
            var basis = zeros(2, dtype: ScalarType.Float64);
            basis[i] = h;
            double dMu = (f(mu + basis, logvar).item<double>() - f(mu - basis, logvar).item<double>()) / (2 * h);
            double dLv = (f(mu, logvar + basis).item<double>() - f(mu, logvar - basis).item<double>()) / (2 * h);
            Assert.AreEqual(dMu, gMu[i], 1e-6, $"d/dmu[{i}]");
            Assert.AreEqual(dLv, gLv[i], 1e-6, $"d/dlogvar[{i}]");
            // And the closed form: dz/dlogvar = 0.5 * exp(logvar/2) * eps.
            double z = mu.data<double>()[i] + Math.Exp(logvar.data<double>()[i] / 2) * eps.data<double>()[i];
            Assert.AreEqual(3 * z * z * 0.5 * Math.Exp(logvar.data<double>()[i] / 2) * eps.data<double>()[i], gLv[i], 1e-9);
        }
    }
}
