using TorchSharp;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Export;

/// <summary>
/// The IAF posterior as encoder nodes: from mu, logvar [N, L], the hidden layer h [N, H] and the noise eps [N, R, L],
/// the draws <c>z</c> [N, R, L] of q(z|x) after the flow and their <c>log_q</c> [N, R], computed as
/// <see cref="VariationalAutoencoder.SamplePosterior"/> computes them: z0 = mu + exp(logvar/2) eps,
/// log q0 = -1/2 sum(eps^2 + logvar + log 2 pi), then per step a = relu(z W_in' + b_in + h W_ctx'),
/// m = a W_m' + b_m, s = a W_g' + b_g, z = sigmoid(s) z + (1 - sigmoid(s)) m, log q -= sum(-softplus(-s)). The masked
/// weights are stored already masked, as MatMul operands ([in, out]) so that the draws axis needs no reshaping.
/// </summary>
internal static class PosteriorGraph
{
    private static readonly float Log2Pi = (float)Math.Log(2 * Math.PI);

    /// <summary>Appends the posterior; its outputs are renamed to <paramref name="spec"/>'s names.</summary>
    public static void Append(OnnxGraphBuilder g, IafFlow flow, PosteriorSpec spec, string mu, string logvar, string hidden, int latent)
    {
        var axis1 = g.AddInt64Initializer("posterior.axis1", 1);
        var axis2 = g.AddInt64Initializer("posterior.axis2", 2);
        string Const(string name, float value) => g.AddInitializer(name, [value], 1);
        string Sum(string value, string name) => g.AddNode("ReduceSum", name, [value, axis2], null, OnnxGraphBuilder.Attribute("keepdims", 0L));
        string eps = g.AddSymbolicInput(spec.EpsInput, "R", (long)latent);

        var muDraws = g.AddNode("Unsqueeze", "posterior.mu_draws", [mu, axis1]);
        var logvarDraws = g.AddNode("Unsqueeze", "posterior.logvar_draws", [logvar, axis1]);
        var sigma = g.AddNode("Exp", "posterior.sigma", [g.AddNode("Mul", "posterior.half_logvar", [logvarDraws, Const("posterior.half", 0.5f)])]);
        var z = g.AddNode("Add", "posterior.z0", [muDraws, g.AddNode("Mul", "posterior.scaled_eps", [sigma, eps])]);
        var inner = g.AddNode("Add", "posterior.log_q0_terms", [g.AddNode("Add", "posterior.eps_sq_plus_logvar", [g.AddNode("Mul", "posterior.eps_sq", [eps, eps]), logvarDraws]), Const("posterior.log_2pi", Log2Pi)]);
        var logQ = g.AddNode("Mul", "posterior.log_q0", [Sum(inner, "posterior.log_q0_sum"), Const("posterior.minus_half", -0.5f)]);
        var context = g.AddNode("Unsqueeze", "posterior.context", [hidden, axis1]);
        var one = Const("posterior.one", 1f);
        int t = 0;
        foreach (var step in flow.steps)
        {
            string p = $"flow.steps.{t++}";
            var a = g.AddNode("Add", $"{p}.pre", [Linear(g, z, step.MaskedInputWeight, step.input.bias, $"{p}.input"), Linear(g, context, step.context.weight!, null, $"{p}.context")]);
            a = g.AddNode("Relu", $"{p}.relu", [a]);
            var m = Linear(g, a, step.MaskedMeanWeight, step.mean.bias, $"{p}.mean");
            var s = Linear(g, a, step.MaskedGateWeight, step.gate.bias, $"{p}.gate");
            var gateValue = g.AddNode("Sigmoid", $"{p}.sigma", [s]);
            z = g.AddNode("Add", $"{p}.z", [g.AddNode("Mul", $"{p}.keep", [gateValue, z]), g.AddNode("Mul", $"{p}.shift", [g.AddNode("Sub", $"{p}.one_minus_sigma", [one, gateValue]), m])]);
            var logSigma = g.AddNode("Neg", $"{p}.log_sigma", [g.AddNode("Softplus", $"{p}.softplus", [g.AddNode("Neg", $"{p}.neg_s", [s])])]);
            logQ = g.AddNode("Sub", $"{p}.log_q", [logQ, Sum(logSigma, $"{p}.log_det")]);
        }
        g.RenameValue(z, spec.ZOutput);
        g.RenameValue(logQ, spec.LogQOutput);
        g.AddSymbolicOutput(spec.ZOutput, "R", (long)latent);
        g.AddSymbolicOutput(spec.LogQOutput, "R");
    }

    /// <summary>x W' (+ b) for x of any rank: MatMul with the weight stored transposed [in, out].</summary>
    private static string Linear(OnnxGraphBuilder g, string x, Tensor weight, Tensor? bias, string name)
    {
        var (values, outFeatures, inFeatures) = Transposed(weight);
        var product = g.AddNode("MatMul", name, [x, g.AddInitializer($"{name}.weight_t", values, inFeatures, outFeatures)]);
        return bias is null ? product : g.AddNode("Add", $"{name}.bias_add", [product, g.AddInitializer($"{name}.bias", Values(bias), outFeatures)]);
    }

    private static (float[] Values, long Out, long In) Transposed(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var t = weight.detach().t().contiguous().to_type(ScalarType.Float32);
        return (t.data<float>().ToArray(), weight.shape[0], weight.shape[1]);
    }

    private static float[] Values(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().contiguous().to_type(ScalarType.Float32).data<float>().ToArray();
    }
}
