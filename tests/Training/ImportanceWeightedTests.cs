using TorchSharp;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Training;

/// <summary>The IWAE estimate of log p(x) and the active-unit count, checked against figures computed here by hand.</summary>
[TestClass]
public sealed class ImportanceWeightedTests
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>
    /// A Gaussian model whose encoder ignores x (q(z|x) = N(mu, diag exp(logvar)) from the head biases) and whose decoder
    /// ignores z (its mean is the output bias): every figure has a closed form.
    /// </summary>
    private static VariationalAutoencoder HandBuilt(float[] mu, float[] logvar, float[] mean, int features)
    {
        var model = new VariationalAutoencoder(new VaeArchitecture
        {
            InputShape = [features], Hidden = [3], LatentDim = mu.Length, Likelihood = Likelihood.Gaussian,
        });
        using var noGrad = no_grad();
        foreach (var p in model.parameters()) p.zero_();
        using (var m = tensor(mu)) model.encoder.mu.bias!.copy_(m);
        using (var lv = tensor(logvar)) model.encoder.logvar.bias!.copy_(lv);
        using (var b = tensor(mean)) model.named_parameters().Single(p => p.name == "decoder.body.fc_out.bias").parameter.copy_(b);
        return model;
    }

    [TestMethod]
    public void WithOneSampleTheEstimateIsTheOneSampleElboWithTheSameNoise()
    {
        var data = SyntheticData.Split(600, 100);
        var arch = new VaeArchitecture { InputShape = [32], Hidden = [24], LatentDim = 3 };
        var result = new VaeTrainer(new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 3, Threads = 1 })
            .Train(arch, data, RepoPaths.NewTempFolder("iwae-k1"));
        using var model = result.Model;
        const long seed = 11;
        double iwae = VaeEvaluator.ImportanceWeightedLogPx(model, data.Test, samples: 1, maxRows: 100, seed: seed);

        // log p(x|z) + log p(z) - log q(z|x) for the z the estimator draws: the same generator and seed give the same eps.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        using var generator = new torch.Generator((ulong)seed);
        var x = tensor(data.Test.Features, [100, 32]);
        var (mu, logvar) = model.encoder.forward(x);
        var eps = randn([100, 1, 3], generator: generator).reshape(100, 3);
        var z = VariationalAutoencoder.Reparameterize(mu, logvar, eps);
        var logPxGivenZ = (-ElboLoss.ReconstructionNll(Likelihood.Bernoulli, model.decoder.forward(z), x, model.decoder_logvar)).data<float>().ToArray();
        var zs = z.data<float>().ToArray();
        var es = eps.data<float>().ToArray();
        var lvs = logvar.data<float>().ToArray();
        double sum = 0;
        for (int r = 0; r < 100; r++)
        {
            double logPz = 0, logQz = 0;
            for (int j = 0; j < 3; j++)
            {
                int i = r * 3 + j;
                logPz += -0.5 * (zs[i] * (double)zs[i] + Log2Pi);
                logQz += -0.5 * (es[i] * (double)es[i] + lvs[i] + Log2Pi);
            }
            sum += logPxGivenZ[r] + logPz - logQz;
        }
        double oneSampleElbo = sum / 100;
        Assert.AreEqual(oneSampleElbo, iwae, 1e-4 * Math.Abs(oneSampleElbo), $"IWAE(K=1) {iwae} vs one-sample ELBO {oneSampleElbo}");
        Assert.IsTrue(oneSampleElbo < -1, "a real figure, not an empty one");
    }

    [TestMethod]
    public void LogWeightsAroundMinusTenThousandStayFiniteAndExact()
    {
        // x is about 70 away from the decoder mean in each of 4 unit-variance features: log p(x|z) is about -1e4, far below
        // where exp underflows (-745 in double), so only a log-sum-exp keeps the average of the weights.
        float[] mu = [0.5f, -0.25f], logvar = [-1f, 0.5f], mean = [0f, 0f, 0f, 0f];
        float[] rows = [70.7f, -70.7f, 70.7f, -70.7f, 50f, 60f, -55f, 65f, 80f, 80f, -80f, 79f];
        using var model = HandBuilt(mu, logvar, mean, 4);
        var data = new VaeDataset("far", rows, 3, 4);
        const int k = 1000;
        const long seed = 5;
        double iwae = VaeEvaluator.ImportanceWeightedLogPx(model, data, samples: k, maxRows: 3, seed: seed);
        Assert.IsTrue(double.IsFinite(iwae), $"{iwae}");

        // By hand: log p(x|z) is the same for every z (the decoder ignores it); the importance ratios p(z)/q(z|x) vary.
        using var generator = new torch.Generator((ulong)seed);
        using var epsTensor = randn([3, k, 2], generator: generator);
        var eps = epsTensor.data<float>().ToArray();
        double expected = 0;
        for (int r = 0; r < 3; r++)
        {
            double logPx = 0;
            for (int j = 0; j < 4; j++) logPx += -0.5 * (rows[r * 4 + j] * (double)rows[r * 4 + j] + Log2Pi);
            Assert.IsTrue(logPx < -4000, $"{logPx}");
            var logRatio = new double[k];
            for (int s = 0; s < k; s++)
            {
                for (int j = 0; j < 2; j++)
                {
                    double e = eps[(r * k + s) * 2 + j];
                    double zj = mu[j] + Math.Exp(logvar[j] / 2) * e;
                    logRatio[s] += -0.5 * zj * zj + 0.5 * e * e + 0.5 * logvar[j];
                }
            }
            double max = logRatio.Max();
            expected += logPx + max + Math.Log(logRatio.Sum(v => Math.Exp(v - max)) / k);
        }
        expected /= 3;
        Assert.IsTrue(expected < -5000, $"{expected}");
        // Float32 log-likelihoods of about 1e4 are exact to about 1e-3.
        Assert.AreEqual(expected, iwae, 0.01, $"IWAE {iwae} vs {expected}");
    }

    [TestMethod]
    public void TheBoundIsAboveTheElboAndTightensWithMoreSamples()
    {
        var data = SyntheticData.Split(1500, 300);
        var arch = new VaeArchitecture { InputShape = [32], Hidden = [24], LatentDim = 3 };
        var result = new VaeTrainer(new TrainingOptions { Epochs = 3, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1 })
            .Train(arch, data, RepoPaths.NewTempFolder("iwae-k"));
        using var model = result.Model;
        double elbo = -VaeEvaluator.NegativeElbo(model, data.Test, 2000, 1).NegElbo;
        double k1 = VaeEvaluator.ImportanceWeightedLogPx(model, data.Test, 1, 300, seed: 1);
        double k5 = VaeEvaluator.ImportanceWeightedLogPx(model, data.Test, 5, 300, seed: 1);
        double k50 = VaeEvaluator.ImportanceWeightedLogPx(model, data.Test, 50, 300, seed: 1);
        var figures = $"ELBO {elbo}, IWAE K=1 {k1}, K=5 {k5}, K=50 {k50}";
        // K=1 estimates the ELBO itself (with a sampled KL): within Monte Carlo noise of the closed-form figure.
        Assert.AreEqual(elbo, k1, 0.1, figures);
        Assert.IsTrue(k5 > elbo && k5 > k1, figures);
        Assert.IsTrue(k50 > k5, figures);
    }

    [TestMethod]
    public void ActiveUnitsCountLatentsWhoseMeanKlExceedsTheThreshold()
    {
        // KL(N(m, s2) || N(0,1)) = (s2 + m^2 - 1 - ln s2) / 2 per dimension: 0, 0.005, 0.02 and 0.0966 nats.
        float[] mu = [0f, 0.1f, 0.2f, 0f], logvar = [0f, 0f, 0f, (float)Math.Log(0.5)];
        using var model = HandBuilt(mu, logvar, [0f, 0f, 0f], 3);
        var data = new VaeDataset("any", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 5, 3);
        var estimate = VaeEvaluator.NegativeElbo(model, data);
        double[] expected = mu.Zip(logvar, (m, lv) => 0.5 * (Math.Exp(lv) + m * (double)m - 1 - lv)).ToArray();
        Assert.AreEqual(4, estimate.KlPerDimension.Length);
        for (int j = 0; j < 4; j++) Assert.AreEqual(expected[j], estimate.KlPerDimension[j], 1e-6, $"dimension {j}");
        Assert.AreEqual(expected.Sum(), estimate.Kl, 1e-6);
        Assert.AreEqual(0.01, VaeEvaluator.ActiveUnitThreshold);
        Assert.AreEqual(2, estimate.ActiveUnits, "0.02 and 0.0966 exceed 0.01; 0 and 0.005 do not");
    }
}
