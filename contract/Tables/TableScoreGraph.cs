using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using DataType = VaeOnnx.Contract.Onnx.Proto.TensorProto.Types.DataType;

namespace VaeOnnx.Contract;

/// <summary>
/// The anomaly score of a table pair as a small ONNX graph run after its encoder and decoder: inputs features [N,D],
/// observed [N,C], unknown [N,C] (from the encoder), mu, logvar [N,L] and logits [N,D] (the decoder of mu); outputs score,
/// recon, kl [N] and contributions [N,C]. A column's contribution is its likelihood term (Gaussian for numbers, Bernoulli
/// for flags, softmax cross-entropy for categories, on logits; for a mode-encoded number the offset's Gaussian, the mode's
/// cross-entropy and the log-Jacobian of <see cref="ModeEncoding"/>), times observed, plus its missing-value indicator's term,
/// plus unknown times <see cref="TableSchema.UnknownCost"/>; recon is their sum, so the contributions add up to it exactly.
/// The one definition of a table row's score: the inference engine runs it, and the export calibrates the anomaly threshold
/// by running it on the exported graphs' outputs for the held-out rows, so what is served is what was calibrated.
/// </summary>
internal static class TableScoreGraph
{
    /// <summary>Input names.</summary>
    public const string Features = "features", Observed = "observed", Unknown = "unknown", Mu = "mu", LogVar = "logvar", Logits = "logits";

    /// <summary>The score outputs: the negative ELBO with z = mu, its reconstruction and KL parts (the inference library's score-part names).</summary>
    public const string Score = "score", Reconstruction = "recon", Kl = "kl";

    /// <summary>The contributions output.</summary>
    public const string Contributions = "contributions";

    /// <summary>The saved form's flag output: score above the pair's threshold.</summary>
    public const string IsAnomaly = "is_anomaly";

    /// <summary>
    /// The graph's bytes. With <paramref name="rowOutputs"/> (the saved ML.NET chain, which runs one row at a time) every
    /// output is named <paramref name="outputPrefix"/> + its name and typed for one row, so that ML.NET's OnnxTransformer
    /// gives a vector of C contributions as the transformer does (score, recon and kl are one-element vectors), and one more
    /// output, <see cref="IsAnomaly"/>, the boolean flag.
    /// </summary>
    /// <param name="schema">The pair's table schema (its threshold is the flag's, with <paramref name="rowOutputs"/>).</param>
    /// <param name="latentDim">L.</param>
    /// <param name="decoderLogVar">The decoder's learned per-feature log-variance (Gaussian terms); null for zeros.</param>
    /// <param name="pairId">Recorded in the graph's metadata.</param>
    /// <param name="rowOutputs">Typed for one row, for the saved ML.NET chain.</param>
    /// <param name="outputPrefix">Prefix of every output name, with <paramref name="rowOutputs"/>.</param>
    public static byte[] Build(TableSchema schema, int latentDim, IReadOnlyList<float>? decoderLogVar, string pairId, bool rowOutputs = false, string outputPrefix = "")
    {
        int d = schema.FeatureCount, c = schema.Columns.Count, l = latentDim;
        var g = new OnnxGraphBuilder("vae_table_score");
        g.AddInput(Features, d);
        g.AddInput(Observed, c);
        g.AddInput(Unknown, c);
        g.AddInput(Mu, l);
        g.AddInput(LogVar, l);
        g.AddInput(Logits, d);
        var widths = schema.BlockWidths();
        var sizes = g.AddInt64Initializer("split_sizes", widths);
        var x = g.AddNode("Split", "", "split_features", [Features, sizes], new string?[widths.Length], OnnxGraphBuilder.Attribute("axis", 1L));
        var y = g.AddNode("Split", "", "split_logits", [Logits, sizes], new string?[widths.Length], OnnxGraphBuilder.Attribute("axis", 1L));
        var ones = g.AddInt64Initializer("column_sizes", Enumerable.Repeat(1L, c).ToArray());
        var observed = g.AddNode("Split", "", "split_observed", [Observed, ones], new string?[c], OnnxGraphBuilder.Attribute("axis", 1L));
        var unknown = g.AddNode("Split", "", "split_unknown", [Unknown, ones], new string?[c], OnnxGraphBuilder.Attribute("axis", 1L));
        var terms = new TermBuilder(g, decoderLogVar ?? new float[d], schema.UnknownCost);
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
        var (score, recon, kl) = Finish(g);
        if (rowOutputs) RowOutputs(g, schema.Threshold, outputPrefix, score, recon, kl, c);
        else
        {
            g.RenameValue(score, Score);
            g.RenameValue(recon, Reconstruction);
            g.RenameValue(kl, Kl);
            g.AddOutput(Score);
            g.AddOutput(Reconstruction);
            g.AddOutput(Kl);
            g.AddOutput(Contributions, c);
        }
        return g.BuildModel("1", 1, "VaeOnnx table anomaly score: negative ELBO with z = mu, its parts and each column's contribution.",
            [new(VaeMetadataKeys.PairId, pairId)]).ToByteArray();
    }

    /// <summary>
    /// The saved form's outputs for one row: [1] for the scores and the flag (ML.NET's OnnxTransformer cannot read a rank-0
    /// output; a registered custom mapping makes them single values) and [C] for the contributions.
    /// </summary>
    private static void RowOutputs(OnnxGraphBuilder g, AnomalyThreshold? threshold, string prefix, string score, string recon, string kl, int columns)
    {
        var one = g.AddInt64Initializer("row_one_shape", 1);
        var vector = g.AddInt64Initializer("row_vector_shape", columns);
        void Output(string value, string name, long[] dims, DataType type)
        {
            g.AddNode("Reshape", $"{name}.row", [value, dims[0] == 1 ? one : vector], prefix + name);
            g.AddRowOutput(prefix + name, type, dims);
        }
        Output(score, Score, [1], DataType.Float);
        Output(recon, Reconstruction, [1], DataType.Float);
        Output(kl, Kl, [1], DataType.Float);
        Output(Contributions, Contributions, [columns], DataType.Float);
        // score > t for a float score and a double threshold t is score > the largest float not above t.
        double t = threshold?.Score ?? double.PositiveInfinity;
        float below = (float)t;
        if (below > t) below = MathF.BitDecrement(below);
        var flag = g.AddNode("Greater", "is_anomaly.compare", [score, g.AddInitializer("threshold", [below], 1)]);
        Output(flag, IsAnomaly, [1], DataType.Bool);
    }

    /// <summary>recon = sum of the contributions, kl in closed form, score = recon + kl; returns the three values [N].</summary>
    private static (string Score, string Recon, string Kl) Finish(OnnxGraphBuilder g)
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
        return (score, recon, kl);
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
            _ when column.HasModes => Modes(column, span, x, logits),
            _ => Gaussian(x, logits, decoderLogVar[span.Start], $"n{span.Start}"),
        };

        /// <summary>A mode-encoded number: the offset's Gaussian term, the mode's cross-entropy and the mode's log-Jacobian (see <see cref="ModeEncoding"/>).</summary>
        private string Modes(TableColumn column, ColumnSpan span, string x, string logits)
        {
            var name = $"m{span.Start}";
            var modes = new ModeEncoding(column);
            var sizes = g.AddInt64Initializer($"{name}.split_sizes", 1, modes.Count);
            var xs = g.AddNode("Split", "", $"{name}.split_x", [x, sizes], [null, null], OnnxGraphBuilder.Attribute("axis", 1L));
            var ys = g.AddNode("Split", "", $"{name}.split_logits", [logits, sizes], [null, null], OnnxGraphBuilder.Attribute("axis", 1L));
            var offset = Gaussian(xs[0], ys[0], decoderLogVar[span.Start], $"{name}.offset");
            var mode = Categorical(xs[1], ys[1], $"{name}.mode");
            var jacobian = g.AddNode("ReduceSum", $"{name}.log_jacobian",
                [g.AddNode("Mul", $"{name}.jacobian_pick", [xs[1], g.AddInitializer($"{name}.jacobian_table", modes.LogJacobian, 1, modes.Count)]), _axis], null,
                OnnxGraphBuilder.Attribute("keepdims", 1L));
            return g.AddNode("Add", $"{name}.value", [g.AddNode("Add", $"{name}.offset_and_mode", [offset, mode]), jacobian]);
        }

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
