using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Training.Model;
using DataType = VaeOnnx.Contract.Onnx.Proto.TensorProto.Types.DataType;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// The encoder of a table pair: one input per column, named after it (float [N,1] for numbers, NaN where blank; string
/// [N,1] for flags and categories), featurised inside the graph exactly as <see cref="VaeOnnx.Tables.TableFeaturizer"/>
/// does (ai.onnx.ml LabelEncoder for categories and flag spellings, the <see cref="TableSpelling"/> variants of flags and missing
/// markers, IsNaN/Where for blank numbers), then the encoder network. Outputs mu, logvar, and for scoring the features, the
/// observed mask and the unknown-value mask (<see cref="TableGraphNames"/>).
/// </summary>
internal sealed class TableEncoderGraph
{
    private readonly OnnxGraphBuilder _g = new("vae_table_encoder");
    private readonly TableSchema _schema;
    private string? _zero, _one;

    private TableEncoderGraph(TableSchema schema)
    {
        _schema = schema;
    }

    // Added on first use, after the inputs have claimed the columns' names: ONNX Runtime warns about an initializer no
    // node reads, and a column may be called "one".
    private string Zero => _zero ??= _g.AddInitializer("zero", [0f], 1);
    private string One => _one ??= _g.AddInitializer("one", [1f], 1);

    public static ModelProto Build(VariationalAutoencoder model, TableSchema schema, PairMetadata metadata, string version, out long parameters)
    {
        var graph = new TableEncoderGraph(schema);
        var g = graph._g;
        var inputs = schema.Columns.Select(c => g.AddInput(c.Name, c.IsText ? DataType.String : DataType.Float, 1)).ToArray();
        // A conditional table model takes its condition as the one-hot c [N, K] the image and numeric models take.
        var condition = metadata.Condition is { } spec ? g.AddInput(spec.Input, model.Architecture.ConditionDim) : null;
        var (features, observed, unknown) = (new List<string>(), new List<string>(), new List<string>());
        for (int c = 0; c < schema.Columns.Count; c++)
        {
            var cell = graph.Column(schema.Columns[c], inputs[c]);
            features.Add(cell.Value);
            if (schema.Columns[c].HasMissing) features.Add(cell.Missing);
            observed.Add(cell.Observed);
            unknown.Add(cell.Unknown);
        }
        string Concat(List<string> parts, string name) => g.AddNode("Concat", $"{name}.concat", [.. parts], name, OnnxGraphBuilder.Attribute("axis", 1L));
        var x = Concat(features, TableGraphNames.Features);
        Concat(observed, TableGraphNames.Observed);
        Concat(unknown, TableGraphNames.Unknown);
        var h = ConditionedBodyGraph.Append(g, model.encoder.body, "encoder.body", x, model.encoder.condition, condition);
        g.RenameValue(ModuleGraphMapper.Append(g, model.encoder.mu, "encoder.mu", h), TableGraphNames.Mu);
        g.RenameValue(ModuleGraphMapper.Append(g, model.encoder.logvar, "encoder.logvar", h), TableGraphNames.LogVar);
        g.AddOutput(TableGraphNames.Mu, model.Architecture.LatentDim);
        g.AddOutput(TableGraphNames.LogVar, model.Architecture.LatentDim);
        g.AddOutput(TableGraphNames.Features, schema.FeatureCount);
        g.AddOutput(TableGraphNames.Observed, schema.Columns.Count);
        g.AddOutput(TableGraphNames.Unknown, schema.Columns.Count);
        parameters = g.ParameterCount;
        var built = g.BuildModel(version, 1,
            "VaeOnnx table encoder: one input per column (float [N,1] numbers with NaN for blank cells; string [N,1] flags and categories)"
            + (condition is null ? "" : $", {condition} [N,K] the one-hot condition '{metadata.Condition!.Column}'")
            + " -> mu [N,L], logvar [N,L]; also features [N,D], observed [N,C], unknown [N,C] for scoring.",
            (metadata with { Role = GraphRole.Encoder }).ToProperties());
        // Last: the digest covers the built graph, not its metadata.
        WeightsDigest.Stamp(built);
        return built;
    }

    /// <summary>One column's value features [N, width], missing indicator, observed and unknown masks [N,1], all float.</summary>
    private (string Value, string Missing, string Observed, string Unknown) Column(TableColumn column, string input) =>
        column.IsNumber ? Number(column, input) : Text(column, input);

    private (string Value, string Missing, string Observed, string Unknown) Number(TableColumn column, string input)
    {
        var g = _g;
        var isNaN = g.AddNode("IsNaN", $"{column.Name}.is_blank", [input]);
        string value;
        if (column.HasModes) value = Modes(column, input, isNaN);
        else
        {
            var scaled = g.AddNode("Mul", $"{column.Name}.scale", [
                g.AddNode("Sub", $"{column.Name}.shift", [input, g.AddInitializer($"{column.Name}.offset", [column.Offset], 1)]),
                g.AddInitializer($"{column.Name}.scale", [column.Scale], 1)]);
            value = g.AddNode("Where", $"{column.Name}.impute", [isNaN, Zero, scaled]);
        }
        var missing = Cast(isNaN, $"{column.Name}.missing");
        var observed = g.AddNode("Sub", $"{column.Name}.observed", [One, missing]);
        return (value, missing, observed, column.HasMissing ? g.AddNode("Mul", $"{column.Name}.unknown", [missing, Zero]) : missing);
    }

    /// <summary>
    /// A mode-encoded number's value features [N, 1 + K], as <see cref="ModeEncoding"/> computes them: the offset within the
    /// most likely mode, then the mode's one-hot; all zeros for a blank cell.
    /// </summary>
    private string Modes(TableColumn column, string input, string isNaN)
    {
        var g = _g;
        var name = column.Name;
        var modes = new ModeEncoding(column);
        int k = modes.Count;
        var means = g.AddInitializer($"{name}.mode_means", modes.Means, 1, k);
        // A blank cell is scored at the first mode's mean, then zeroed: NaN must not reach ArgMax.
        var x = g.AddNode("Where", $"{name}.safe", [isNaN, g.AddInitializer($"{name}.mode_fill", [modes.Means[0]], 1), input]);
        var z = g.AddNode("Mul", $"{name}.mode_z", [g.AddNode("Sub", $"{name}.mode_shift", [x, means]), g.AddInitializer($"{name}.mode_inverse_std", modes.InverseStd, 1, k)]);
        var half = g.AddNode("Mul", $"{name}.mode_half_square", [g.AddNode("Mul", $"{name}.mode_square", [z, z]), g.AddInitializer($"{name}.minus_half", [-0.5f], 1)]);
        var score = g.AddNode("Add", $"{name}.mode_score", [half, g.AddInitializer($"{name}.mode_log_prior", modes.LogPrior, 1, k)]);
        var mode = g.AddNode("ArgMax", $"{name}.mode", [score], null, OnnxGraphBuilder.Attribute("axis", 1L), OnnxGraphBuilder.Attribute("keepdims", 1L));
        var oneHot = Cast(g.AddNode("Equal", $"{name}.mode_one_hot", [mode, g.AddInt64Initializer($"{name}.mode_range", Enumerable.Range(0, k).Select(i => (long)i).ToArray())]), $"{name}.mode_value");
        string Pick(float[] values, string what) => g.AddNode("Gather", $"{name}.{what}", [g.AddInitializer($"{name}.{what}_table", values, k), mode]);
        var alpha = g.AddNode("Mul", $"{name}.alpha", [g.AddNode("Sub", $"{name}.alpha_shift", [x, Pick(modes.Means, "mode_mean")]), Pick(modes.QuarterInverseStd, "mode_quarter_inverse_std")]);
        var present = g.AddNode("Not", $"{name}.present", [isNaN]);
        var presentFloat = Cast(present, $"{name}.present_value");
        var values = g.AddNode("Concat", $"{name}.mode_features", [alpha, oneHot], null, OnnxGraphBuilder.Attribute("axis", 1L));
        return g.AddNode("Mul", $"{name}.impute", [values, presentFloat]);
    }

    private (string Value, string Missing, string Observed, string Unknown) Text(TableColumn column, string input)
    {
        var g = _g;
        var name = column.Name;
        var missingTexts = _schema.MissingSpellings().ToArray();
        var missingCode = Encode(input, missingTexts, missingTexts.Select(_ => 1L).ToArray(), $"{name}.missing_code", otherwise: 0);
        var missing = Cast(missingCode, $"{name}.missing");
        string code;
        string value;
        if (column.Kind == ColumnKind.Categorical)
        {
            var categories = column.Categories!;
            code = Encode(input, [.. categories], Enumerable.Range(0, categories.Count).Select(i => (long)i).ToArray(), $"{name}.code");
            var range = g.AddInt64Initializer($"{name}.range", Enumerable.Range(0, categories.Count).Select(i => (long)i).ToArray());
            value = Cast(g.AddNode("Equal", $"{name}.one_hot", [code, range]), $"{name}.value");
        }
        else
        {
            var flags = TableSpelling.FlagCodes(column.TrueText!, column.FalseText!);
            code = Encode(input, flags.Select(p => p.Key).ToArray(), flags.Select(p => p.Value).ToArray(), $"{name}.code");
            value = Cast(g.AddNode("Equal", $"{name}.is_true", [code, g.AddInt64Initializer($"{name}.true_code", 1)]), $"{name}.value");
        }
        var observed = Cast(g.AddNode("GreaterOrEqual", $"{name}.known", [code, g.AddInt64Initializer($"{name}.zero_code", 0)]), $"{name}.observed");
        var notObserved = g.AddNode("Sub", $"{name}.not_observed", [One, observed]);
        var unknown = column.HasMissing ? g.AddNode("Sub", $"{name}.unknown", [notObserved, missing]) : notObserved;
        return (value, missing, observed, unknown);
    }

    /// <summary>ai.onnx.ml LabelEncoder from strings to int64 codes, <paramref name="otherwise"/> for any other text.</summary>
    private string Encode(string input, string[] keys, long[] codes, string name, long otherwise = -1)
    {
        var a = new AttributeProto { Name = "values_int64s", Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(codes);
        return _g.AddNode("LabelEncoder", OnnxGraphBuilder.MlDomain, name, [input], [null],
            OnnxGraphBuilder.Attribute("keys_strings", keys), a, OnnxGraphBuilder.Attribute("default_int64", otherwise))[0];
    }

    private string Cast(string input, string name) =>
        _g.AddNode("Cast", name, [input], null, OnnxGraphBuilder.Attribute("to", (long)DataType.Float));
}
