using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The anomaly score as a small ONNX graph run next to the pair: inputs x (raw) [N,D], mu [N,L], logvar [N,L],
/// x_hat (raw) [N,D]; outputs, each [N], named by <see cref="VaeScoreParts"/>: score = recon + kl,
/// recon = -log p(x | z = mu) in the scaled space, kl = KL(q(z|x) || N(0, I)), sqerr = sum (x - x_hat)^2 in raw units.
/// The engine runs it with plain names; a saved ML.NET chain runs it with <see cref="Transforms.SavedChain.Prefix"/>ed ones.
/// For a flow posterior the inputs mu and logvar are replaced by the encoder's draws z [N,R,L] and log_q [N,R], where draw 0
/// is the flow of mu (zero noise; x_hat is its decoding) and draws 1.. are fixed standard normal noise: kl is then the mean
/// of log q(z|x) - log p(z) over draws 1.., the Monte Carlo estimate of the KL the closed form gives for a Gaussian.
/// </summary>
internal static class AnomalyScoreGraph
{
    /// <summary>Input names (before a prefix).</summary>
    public const string X = "x", Mu = "mu", LogVar = "logvar", XHat = "x_hat", Z = "z", LogQ = "log_q";

    private const float ProbabilityFloor = 1e-7f;

    /// <summary>The graph's bytes, every input and output name starting with <paramref name="prefix"/>.</summary>
    public static byte[] Build(VaeModel model, string prefix = "")
    {
        if (model.Likelihood is not Likelihood likelihood)
            throw new InvalidOperationException($"{model.EncoderPath}: the pair has no likelihood in its metadata; load it with likelihood \"bernoulli\" or \"gaussian\" to compute anomaly scores");
        int d = model.InputDim, l = model.LatentDim;
        string x = prefix + X, mu = prefix + Mu, logvar = prefix + LogVar, xHat = prefix + XHat;
        var g = new OnnxGraphBuilder("vae_anomaly_score");
        bool flow = model.Posterior is not null;
        string z = prefix + Z, logQ = prefix + LogQ;
        g.AddInput(x, d);
        if (flow)
        {
            g.AddSymbolicInput(z, "R", (long)l);
            g.AddSymbolicInput(logQ, "R");
        }
        else
        {
            g.AddInput(mu, l);
            g.AddInput(logvar, l);
        }
        g.AddInput(xHat, d);
        var axis = g.AddInt64Initializer("axis1", 1);
        string Sum(string value, string name, string? output = null) =>
            g.AddNode("ReduceSum", name, [value, axis], output, OnnxGraphBuilder.Attribute("keepdims", 0L));
        string Const(string name, float value) => g.AddInitializer(name, [value], 1);

        string s = x, m = xHat;
        if (!model.Scaling.IsIdentity)
        {
            var offset = g.AddInitializer("offset", model.Scaling.Offset, d);
            var scale = g.AddInitializer("scale", model.Scaling.Scale, d);
            s = g.AddNode("Mul", "scale_x", [g.AddNode("Sub", "shift_x", [x, offset]), scale]);
            m = g.AddNode("Mul", "scale_x_hat", [g.AddNode("Sub", "shift_x_hat", [xHat, offset]), scale]);
        }
        string reconPerFeature;
        if (likelihood == Likelihood.Bernoulli)
        {
            // -[s log p + (1 - s) log(1 - p)], p clamped away from 0 and 1 so a confident wrong pixel costs a finite amount.
            var p = g.AddNode("Clip", "clip_p", [m, Const("p_min", ProbabilityFloor), Const("p_max", 1 - ProbabilityFloor)]);
            var one = Const("one", 1f);
            var logP = g.AddNode("Log", "log_p", [p]);
            var log1mP = g.AddNode("Log", "log_1mp", [g.AddNode("Sub", "one_minus_p", [one, p])]);
            var positive = g.AddNode("Mul", "s_log_p", [s, logP]);
            var negative = g.AddNode("Mul", "1ms_log_1mp", [g.AddNode("Sub", "one_minus_s", [one, s]), log1mP]);
            reconPerFeature = g.AddNode("Neg", "bce", [g.AddNode("Add", "log_lik", [positive, negative])]);
        }
        else
        {
            // 0.5 * [log 2 pi + lv + (s - m)^2 / exp(lv)]
            var lv = model.DecoderLogVar ?? new float[d];
            var precision = g.AddInitializer("precision", lv.Select(v => (float)Math.Exp(-v)).ToArray(), d);
            var constant = g.AddInitializer("log2pi_plus_lv", lv.Select(v => (float)(Math.Log(2 * Math.PI) + v)).ToArray(), d);
            var diff = g.AddNode("Sub", "residual", [s, m]);
            var weighted = g.AddNode("Mul", "weighted", [g.AddNode("Mul", "squared", [diff, diff]), precision]);
            reconPerFeature = g.AddNode("Mul", "gaussian_nll", [g.AddNode("Add", "nll_terms", [weighted, constant]), Const("half", 0.5f)]);
        }
        var reconSum = Sum(reconPerFeature, "recon_sum");
        var klSum = flow ? FlowKl(g, z, logQ) : GaussianKl(g, mu, logvar, Sum, Const);
        var scoreSum = g.AddNode("Add", "score_sum", [reconSum, klSum]);
        var rawDiff = g.AddNode("Sub", "raw_residual", [x, xHat]);
        var sqerrSum = Sum(g.AddNode("Mul", "raw_sq", [rawDiff, rawDiff]), "sqerr_sum");
        string[] parts = [scoreSum, reconSum, klSum, sqerrSum];
        for (int i = 0; i < parts.Length; i++)
        {
            g.RenameValue(parts[i], prefix + VaeScoreParts.All[i]);
            g.AddOutput(prefix + VaeScoreParts.All[i]);
        }
        return g.BuildModel("1", 1, flow
                ? "VaeOnnx anomaly score: negative ELBO with z = the flow of mu and the KL estimated on fixed draws, its parts and the squared reconstruction error."
                : "VaeOnnx anomaly score: negative ELBO with z = mu, its parts and the squared reconstruction error.",
            [new(VaeMetadataKeys.PairId, model.PairId)]).ToByteArray();
    }

    /// <summary>KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)).</summary>
    private static string GaussianKl(OnnxGraphBuilder g, string mu, string logvar, Func<string, string, string?, string> sum, Func<string, float, string> constant)
    {
        var inner = g.AddNode("Sub", "kl_inner", [
            g.AddNode("Sub", "kl_a", [g.AddNode("Add", "kl_1_plus_lv", [constant("one_kl", 1f), logvar]), g.AddNode("Mul", "mu_sq", [mu, mu])]),
            g.AddNode("Exp", "var", [logvar])]);
        return g.AddNode("Mul", "kl_scale", [sum(inner, "kl_sum", null), constant("minus_half", -0.5f)]);
    }

    /// <summary>KL estimate = mean over draws 1.. of log q(z|x) + 0.5 * sum(z^2 + log 2 pi).</summary>
    private static string FlowKl(OnnxGraphBuilder g, string z, string logQ)
    {
        var axis2 = g.AddInt64Initializer("axis2", 2);
        var squares = g.AddNode("Add", "z_sq_log2pi", [g.AddNode("Mul", "z_sq", [z, z]), g.AddInitializer("log_2pi", [(float)Math.Log(2 * Math.PI)], 1)]);
        var minusLogPz = g.AddNode("Mul", "minus_log_pz", [g.AddNode("ReduceSum", "z_terms", [squares, axis2], null, OnnxGraphBuilder.Attribute("keepdims", 0L)),
            g.AddInitializer("half_kl", [0.5f], 1)]);
        var perDraw = g.AddNode("Add", "kl_per_draw", [logQ, minusLogPz]);
        var sampled = g.AddNode("Slice", "kl_sampled_draws", [perDraw, g.AddInt64Initializer("draws_start", 1), g.AddInt64Initializer("draws_end", long.MaxValue),
            g.AddInt64Initializer("draws_axis", 1)]);
        return g.AddNode("ReduceMean", "kl_mean", [sampled], null, OnnxGraphBuilder.Attribute("axes", new long[] { 1 }), OnnxGraphBuilder.Attribute("keepdims", 0L));
    }
}
