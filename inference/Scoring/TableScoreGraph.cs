using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The anomaly score of a table pair as a small ONNX graph run after its encoder and decoder: inputs features [N,D],
/// observed [N,C], unknown [N,C] (from the encoder), mu, logvar [N,L] and logits [N,D] (the decoder of mu); outputs score,
/// recon, kl [N] and contributions [N,C]. A column's contribution is its likelihood term (Gaussian for numbers, Bernoulli
/// for flags, softmax cross-entropy for categories, on logits), times observed, plus its missing-value indicator's term,
/// plus unknown times <see cref="TableSchema.UnknownCost"/>; recon is their sum, so the contributions add up to it exactly.
/// </summary>
internal static class TableScoreGraph
{
    /// <summary>Input names.</summary>
    public const string Features = "features", Observed = "observed", Unknown = "unknown", Mu = "mu", LogVar = "logvar", Logits = "logits";

    /// <summary>The contributions output.</summary>
    public const string Contributions = "contributions";

    /// <summary>The graph's bytes.</summary>
    public static byte[] Build(VaeModel model)
    {
        var schema = model.Table ?? throw new InvalidOperationException($"{model.EncoderPath}: not a table pair");
        int d = schema.FeatureCount, c = schema.Columns.Count, l = model.LatentDim;
        var g = new OnnxGraphBuilder("vae_table_score");
        g.AddInput(Features, d);
        g.AddInput(Observed, c);
        g.AddInput(Unknown, c);
        g.AddInput(Mu, l);
        g.AddInput(LogVar, l);
        g.AddInput(Logits, d);
        var widths = schema.Columns.SelectMany(k => k.HasMissing ? new long[] { k.ValueWidth, 1 } : [k.ValueWidth]).ToArray();
        var sizes = g.AddInt64Initializer("split_sizes", widths);
        var x = g.AddNode("Split", "", "split_features", [Features, sizes], new string?[widths.Length], OnnxGraphBuilder.Attribute("axis", 1L));
        var y = g.AddNode("Split", "", "split_logits", [Logits, sizes], new string?[widths.Length], OnnxGraphBuilder.Attribute("axis", 1L));
        var ones = g.AddInt64Initializer("column_sizes", Enumerable.Repeat(1L, c).ToArray());
        var observed = g.AddNode("Split", "", "split_observed", [Observed, ones], new string?[c], OnnxGraphBuilder.Attribute("axis", 1L));
        var unknown = g.AddNode("Split", "", "split_unknown", [Unknown, ones], new string?[c], OnnxGraphBuilder.Attribute("axis", 1L));
        var terms = new TermBuilder(g, model.DecoderLogVar ?? new float[d], schema.UnknownCost);
        var contributions = new List<string>(c);
        int part = 0;
        var spans = schema.Spans;
        for (int j = 0; j < c; j++)
        {
            var column = schema.Columns[j];
            var value = g.AddNode("Mul", $"c{j}.observed_value", [terms.Value(column, spans[j], x[part], y[part]), observed[j]]);
            part++;
            if (column.HasMissing) value = g.AddNode("Add", $"c{j}.with_indicator", [value, terms.Bernoulli(x[part], y[part], $"c{j}.indicator")]);
            if (column.HasMissing) part++;
            contributions.Add(g.AddNode("Add", $"c{j}.contribution", [value, terms.Unknown(unknown[j], $"c{j}")]));
        }
        g.AddNode("Concat", "contributions.concat", [.. contributions], Contributions, OnnxGraphBuilder.Attribute("axis", 1L));
        Finish(g, c);
        return g.BuildModel("1", 1, "VaeOnnx table anomaly score: negative ELBO with z = mu, its parts and each column's contribution.",
            [new(VaeMetadataKeys.PairId, model.PairId)]).ToByteArray();
    }

    /// <summary>recon = sum of the contributions, kl in closed form, score = recon + kl.</summary>
    private static void Finish(OnnxGraphBuilder g, int columns)
    {
        var axis = g.AddInt64Initializer("axis1", 1);
        string Sum(string value, string name, string? output = null) =>
            g.AddNode("ReduceSum", name, [value, axis], output, OnnxGraphBuilder.Attribute("keepdims", 0L));
        var recon = Sum(Contributions, "recon_sum");
        var inner = g.AddNode("Sub", "kl_inner", [
            g.AddNode("Sub", "kl_a", [g.AddNode("Add", "kl_1_plus_lv", [g.AddInitializer("one_kl", [1f], 1), LogVar]), g.AddNode("Mul", "mu_sq", [Mu, Mu])]),
            g.AddNode("Exp", "var", [LogVar])]);
        var kl = g.AddNode("Mul", "kl_scale", [Sum(inner, "kl_sum"), g.AddInitializer("minus_half", [-0.5f], 1)]);
        var score = g.AddNode("Add", "score_sum", [recon, kl]);
        g.RenameValue(score, VaeScoreParts.Score);
        g.RenameValue(recon, VaeScoreParts.Reconstruction);
        g.RenameValue(kl, VaeScoreParts.Kl);
        g.AddOutput(VaeScoreParts.Score);
        g.AddOutput(VaeScoreParts.Reconstruction);
        g.AddOutput(VaeScoreParts.Kl);
        g.AddOutput(Contributions, columns);
    }

    /// <summary>The per-column likelihood terms, each [N,1].</summary>
    private sealed class TermBuilder(OnnxGraphBuilder g, IReadOnlyList<float> decoderLogVar, double unknownCost)
    {
        private readonly string _axis = g.AddInt64Initializer("term_axis", 1);
        private readonly string _unknownCost = g.AddInitializer("unknown_cost", [(float)unknownCost], 1);

        public string Value(TableColumn column, ColumnSpan span, string x, string logits) => column.Kind switch
        {
            ColumnKind.Categorical => Categorical(x, logits, $"{span.Start}"),
            ColumnKind.Boolean => Bernoulli(x, logits, $"f{span.Start}"),
            _ => Gaussian(x, logits, decoderLogVar[span.Start], $"n{span.Start}"),
        };

        /// <summary>-sum x * log_softmax(logits): zero for a blank or unknown category (all-zero one-hot).</summary>
        private string Categorical(string x, string logits, string name)
        {
            var logP = g.AddNode("LogSoftmax", $"k{name}.log_p", [logits], null, OnnxGraphBuilder.Attribute("axis", 1L));
            var picked = g.AddNode("ReduceSum", $"k{name}.picked", [g.AddNode("Mul", $"k{name}.x_log_p", [x, logP]), _axis], null, OnnxGraphBuilder.Attribute("keepdims", 1L));
            return g.AddNode("Neg", $"k{name}.nll", [picked]);
        }

        /// <summary>Binary cross-entropy on logits, as PyTorch computes it: max(l, 0) - l x + log(1 + exp(-|l|)).</summary>
        public string Bernoulli(string x, string logits, string name)
        {
            var positive = g.AddNode("Relu", $"{name}.relu", [logits]);
            var lx = g.AddNode("Mul", $"{name}.lx", [logits, x]);
            var softplus = g.AddNode("Softplus", $"{name}.softplus", [g.AddNode("Neg", $"{name}.neg_abs", [g.AddNode("Abs", $"{name}.abs", [logits])])]);
            return g.AddNode("Add", $"{name}.bce", [g.AddNode("Sub", $"{name}.relu_minus_lx", [positive, lx]), softplus]);
        }

        /// <summary>0.5 * [(x - mean)^2 exp(-lv) + lv + log 2 pi], with the decoder's floored log-variance of the feature.</summary>
        private string Gaussian(string x, string mean, float logVar, string name)
        {
            var residual = g.AddNode("Sub", $"{name}.residual", [x, mean]);
            var weighted = g.AddNode("Mul", $"{name}.weighted", [g.AddNode("Mul", $"{name}.squared", [residual, residual]),
                g.AddInitializer($"{name}.precision", [(float)Math.Exp(-logVar)], 1)]);
            var constant = g.AddInitializer($"{name}.constant", [(float)(logVar + Math.Log(2 * Math.PI))], 1);
            return g.AddNode("Mul", $"{name}.nll", [g.AddNode("Add", $"{name}.terms", [weighted, constant]), g.AddInitializer($"{name}.half", [0.5f], 1)]);
        }

        public string Unknown(string unknown, string name) => g.AddNode("Mul", $"{name}.unknown_cost", [unknown, _unknownCost]);
    }
}
