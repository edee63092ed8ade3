using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using DataType = VaeOnnx.Contract.Onnx.Proto.TensorProto.Types.DataType;

namespace VaeOnnx.Contract;

/// <summary>
/// The anomaly score of a table pair as a small ONNX graph run after its encoder and decoder: inputs features [N,D],
/// observed [N,C], unknown [N,C] (from the encoder), mu, logvar [N,L] and logits [N,D] (the decoder of mu); outputs score,
/// recon, kl [N] and contributions [N,C]. The one definition of a table row's score and its explanation: the inference
/// engine runs it, and the export calibrates the anomaly threshold by running it on the exported graphs' outputs for the
/// held-out rows, so what is served is what was calibrated. Per row:
/// <list type="number">
/// <item>each column's term r_j: its likelihood term (Gaussian for numbers, Bernoulli for flags, softmax cross-entropy for
/// categories, on logits; for a mode-encoded number the offset's Gaussian, the mode's cross-entropy and the log-Jacobian
/// of <see cref="ModeEncoding"/>) times observed, plus its missing-value indicator's term unless the column is in
/// <see cref="TableSchema.BlankNormalColumns"/>;</item>
/// <item>the KL term is shared out in proportion to max(r_j, 0), equally when no term is positive: c_j = r_j + KL max(r_j, 0) / sum_k max(r_k, 0).
/// This keeps the order of the columns with a positive cost (each is scaled by the same factor), so the top column is
/// the one the likelihood names, and the contributions add up to the whole score. A negative c_j is a number whose
/// value was more probable than a density of 1 per standard deviation: the column argues for the row being ordinary;</item>
/// <item>an anomalous value (unknown: a category or flag spelling never seen, a blank where training had none; or a
/// number beyond its training [min, max] by <see cref="TableSchema.RangeMarginSd"/> standard deviations) is always the
/// top contribution and always flagged: its contribution is at least c_j + <see cref="TableSchema.UnknownCost"/>
/// (unknowns), at least the largest other contribution (or 0) plus that cost, and, once the pair has a threshold, at least
/// its share of what the rest of the row leaves below the threshold; the score is then at least the threshold;</item>
/// <item>score = sum of the contributions, kl in closed form, recon = score - kl (everything but the KL).</item>
/// </list>
/// </summary>
internal static class TableScoreGraph
{
    /// <summary>Input names.</summary>
    public const string Features = "features", Observed = "observed", Unknown = "unknown", Mu = "mu", LogVar = "logvar", Logits = "logits";

    /// <summary>The score outputs: the negative ELBO with z = mu, its reconstruction and KL parts (the inference library's score-part names).</summary>
    public const string Score = "score", Reconstruction = "recon", Kl = "kl";

    /// <summary>The contributions output.</summary>
    public const string Contributions = "contributions";

    /// <summary>The saved form's flag output: score at or above the pair's threshold.</summary>
    public const string IsAnomaly = "is_anomaly";

    /// <summary>
    /// The graph's bytes. With <paramref name="rowOutputs"/> (the saved ML.NET chain, which runs one row at a time) every
    /// output is named <paramref name="outputPrefix"/> + its name and typed for one row, so that ML.NET's OnnxTransformer
    /// gives a vector of C contributions as the transformer does (score, recon and kl are one-element vectors), and one more
    /// output, <see cref="IsAnomaly"/>, the boolean flag.
    /// </summary>
    /// <param name="schema">The pair's table schema (its threshold is the flag's, with <paramref name="rowOutputs"/>, and the floor of an anomalous value's score).</param>
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
        var terms = new TermBuilder(g, decoderLogVar ?? new float[d]);
        var (columnTerms, anomalous) = (new List<string>(c), new List<string>(c));
        int part = 0;
        var spans = schema.Spans;
        for (int j = 0; j < c; j++)
        {
            var column = schema.Columns[j];
            var value = g.AddNode("Mul", $"c{j}.observed_value", [terms.Value(column, spans[j], x[part], y[part]), observed[j]]);
            anomalous.Add(column.IsNumber ? g.AddNode("Max", $"c{j}.anomalous", [unknown[j], terms.OutOfRange(column, x[part], observed[j], $"c{j}")]) : unknown[j]);
            part++;
            if (column.HasMissing && !schema.BlankNormalColumns.Contains(column.Name))
                value = g.AddNode("Add", $"c{j}.with_indicator", [value, terms.Bernoulli(x[part], y[part], $"c{j}.indicator")]);
            if (column.HasMissing) part++;
            columnTerms.Add(value);
        }
        var (score, recon, kl) = Explain(g, schema, c,
            g.AddNode("Concat", "terms.concat", [.. columnTerms], null, OnnxGraphBuilder.Attribute("axis", 1L)),
            g.AddNode("Concat", "anomalous.concat", [.. anomalous], null, OnnxGraphBuilder.Attribute("axis", 1L)));
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
        return g.BuildModel("1", 1, "VaeOnnx table anomaly score: negative ELBO with z = mu, its parts and each column's contribution (KL shared out).",
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
        // score >= t in float32, as AnomalyThreshold.IsAnomaly compares; without a threshold only an infinite score.
        var flag = g.AddNode("GreaterOrEqual", "is_anomaly.compare", [score, g.AddInitializer("threshold", [threshold?.Score ?? float.PositiveInfinity], 1)]);
        Output(flag, IsAnomaly, [1], DataType.Bool);
    }

    /// <summary>
    /// The KL in closed form, shared out over the column terms [N,C]; anomalous values (mask [N,C], 0/1) lifted to the top
    /// and, with a threshold, to it; the contributions output; returns score, recon and kl [N].
    /// </summary>
    private static (string Score, string Recon, string Kl) Explain(OnnxGraphBuilder g, TableSchema schema, int columns, string terms, string anomalous)
    {
        var axis = g.AddInt64Initializer("axis1", 1);
        // At opset 17 ReduceSum takes its axes as an input, ReduceMax (until opset 18) as an attribute.
        string Reduce(string op, string value, string name, bool keep = true) => op == "ReduceMax"
            ? g.AddNode(op, name, [value], null, OnnxGraphBuilder.Attribute("axes", [1L]), OnnxGraphBuilder.Attribute("keepdims", keep ? 1L : 0L))
            : g.AddNode(op, name, [value, axis], null, OnnxGraphBuilder.Attribute("keepdims", keep ? 1L : 0L));
        string Constant(string name, float value) => g.AddInitializer(name, [value], 1);
        var inner = g.AddNode("Sub", "kl_inner", [
            g.AddNode("Sub", "kl_a", [g.AddNode("Add", "kl_1_plus_lv", [Constant("one_kl", 1f), LogVar]), g.AddNode("Mul", "mu_sq", [Mu, Mu])]),
            g.AddNode("Exp", "var", [LogVar])]);
        var klColumn = g.AddNode("Mul", "kl_scale", [Reduce("ReduceSum", inner, "kl_sum"), Constant("minus_half", -0.5f)]);
        var kl = Reduce("ReduceSum", klColumn, "kl_row", keep: false);

        var positive = g.AddNode("Relu", "share.positive", [terms]);
        var positiveSum = Reduce("ReduceSum", positive, "share.positive_sum");
        var share = g.AddNode("Where", "share.of_kl", [g.AddNode("Greater", "share.any_positive", [positiveSum, Constant("zero", 0f)]),
            g.AddNode("Div", "share.proportional", [positive, positiveSum]), Constant("share.equal", 1f / columns)]);
        var shared = g.AddNode("Add", "shared", [terms, g.AddNode("Mul", "share.kl", [share, klColumn])]);

        var unknownCost = Constant("unknown_cost", (float)schema.UnknownCost);
        var ordinary = g.AddNode("Sub", "ordinary", [Constant("one", 1f), anomalous]);
        // The largest contribution among the ordinary columns (0 when none is positive, or every column is anomalous).
        var largest = g.AddNode("Relu", "largest_ordinary", [Reduce("ReduceMax", g.AddNode("Sub", "ordinary_only",
            [shared, g.AddNode("Mul", "anomalous_pushed_down", [anomalous, Constant("far_below", 1e30f)])]), "largest_ordinary_raw")]);
        var floor = g.AddNode("Add", "anomalous_floor", [largest, unknownCost]);
        var count = Reduce("ReduceSum", anomalous, "anomalous_count");
        var threshold = schema.Threshold is { } t ? Constant("threshold_floor", t.Score) : null;
        if (threshold is not null)
        {
            var rest = Reduce("ReduceSum", g.AddNode("Mul", "ordinary_terms", [shared, ordinary]), "ordinary_sum");
            var needed = g.AddNode("Div", "threshold_share", [g.AddNode("Sub", "threshold_gap", [threshold, rest]), g.AddNode("Max", "anomalous_count_at_least_1", [count, Constant("one_count", 1f)])]);
            floor = g.AddNode("Max", "anomalous_floor_with_threshold", [floor, needed]);
        }
        var lifted = g.AddNode("Max", "anomalous_value", [g.AddNode("Add", "with_unknown_cost", [shared, g.AddNode("Mul", "unknown_cost_where_unknown", [Unknown, unknownCost])]), floor]);
        var isAnomalous = g.AddNode("Greater", "is_anomalous", [anomalous, Constant("half", 0.5f)]);
        g.AddNode("Where", "contributions.lift", [isAnomalous, lifted, shared], Contributions);

        var score = Reduce("ReduceSum", Contributions, "score_sum", keep: false);
        if (threshold is not null)
        {
            // The contributions reach the threshold up to float rounding of their sum; the score reaches it exactly.
            var anyAnomalous = g.AddNode("Greater", "any_anomalous", [Reduce("ReduceSum", anomalous, "anomalous_count_row", keep: false), Constant("half_row", 0.5f)]);
            score = g.AddNode("Where", "score_floor", [anyAnomalous, g.AddNode("Max", "score_at_least_threshold", [score, threshold]), score]);
        }
        var recon = g.AddNode("Sub", "recon_rest", [score, kl]);
        return (score, recon, kl);
    }

    /// <summary>The per-column likelihood terms, each [N,1].</summary>
    private sealed class TermBuilder(OnnxGraphBuilder g, IReadOnlyList<float> decoderLogVar)
    {
        private readonly string _axis = g.AddInt64Initializer("term_axis", 1);

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

        /// <summary>
        /// 1 where an observed number lies beyond its training [min, max] by <see cref="TableSchema.RangeMarginSd"/> standard
        /// deviations, else 0 [N,1]; compared in the standardised units of the feature (a mode-encoded number decoded first).
        /// </summary>
        public string OutOfRange(TableColumn column, string x, string observed, string name)
        {
            var standardised = column.HasModes ? Standardised(column, x, name) : x;
            float low = (float)((column.Min - column.Offset) * column.Scale - TableSchema.RangeMarginSd);
            float high = (float)((column.Max - column.Offset) * column.Scale + TableSchema.RangeMarginSd);
            var outside = g.AddNode("Or", $"{name}.outside", [
                g.AddNode("Less", $"{name}.below", [standardised, g.AddInitializer($"{name}.range_low", [low], 1)]),
                g.AddNode("Greater", $"{name}.above", [standardised, g.AddInitializer($"{name}.range_high", [high], 1)])]);
            var flag = g.AddNode("Cast", $"{name}.outside_float", [outside], null, OnnxGraphBuilder.Attribute("to", (long)DataType.Float));
            return g.AddNode("Mul", $"{name}.out_of_range", [flag, observed]);
        }

        /// <summary>(m_k + 4 s_k alpha - offset) * scale of a mode-encoded number's features [alpha, one-hot of k].</summary>
        private string Standardised(TableColumn column, string x, string name)
        {
            var modes = new ModeEncoding(column);
            var sizes = g.AddInt64Initializer($"{name}.range_split_sizes", 1, modes.Count);
            var xs = g.AddNode("Split", "", $"{name}.range_split_x", [x, sizes], [null, null], OnnxGraphBuilder.Attribute("axis", 1L));
            string Pick(float[] table, string what) => g.AddNode("ReduceSum", $"{name}.range_{what}",
                [g.AddNode("Mul", $"{name}.range_{what}_pick", [xs[1], g.AddInitializer($"{name}.range_{what}_table", table, 1, modes.Count)]), _axis], null,
                OnnxGraphBuilder.Attribute("keepdims", 1L));
            var raw = g.AddNode("Add", $"{name}.range_raw", [Pick(modes.Means, "mean"), g.AddNode("Mul", $"{name}.range_spread", [xs[0], Pick(modes.FourStd, "four_std")])]);
            return g.AddNode("Mul", $"{name}.range_standardised", [g.AddNode("Sub", $"{name}.range_centred", [raw, g.AddInitializer($"{name}.range_offset", [column.Offset], 1)]),
                g.AddInitializer($"{name}.range_scale", [column.Scale], 1)]);
        }
    }
}
