using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Training.Model;
using DataType = VaeOnnx.Contract.Onnx.Proto.TensorProto.Types.DataType;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// The decoder of a table pair: z [N,L] -> x_hat [N,D], each feature's likelihood parameters (softmax over a category block,
/// sigmoid of flags and missing-value indicators, the standardised mean of a number), and one typed output per column,
/// named after it: the most probable value, decoded (a category's text, a flag in the file's spelling, a number in raw
/// units, rounded for integer columns), blank ("" or NaN) where a blank cell is the most probable.
/// </summary>
internal sealed class TableDecoderGraph
{
    private readonly OnnxGraphBuilder _g = new("vae_table_decoder");

    public static ModelProto Build(VariationalAutoencoder model, TableSchema schema, PairMetadata metadata, string version, out long parameters)
    {
        var graph = new TableDecoderGraph();
        var g = graph._g;
        var z = g.AddInput(TableGraphNames.Z, model.Architecture.LatentDim);
        var condition = metadata.Condition is { } spec ? g.AddInput(spec.Input, model.Architecture.ConditionDim) : null;
        var logits = ConditionedBodyGraph.Append(g, model.decoder.body, "decoder.body", z, model.decoder.condition, condition);
        g.RenameValue(logits, TableGraphNames.Logits);
        logits = TableGraphNames.Logits;
        var spans = schema.Spans;
        var widths = schema.BlockWidths();
        var parts = g.AddNode("Split", "", "decoder.split", [logits, g.AddInt64Initializer("decoder.split_sizes", widths)], new string?[widths.Length],
            OnnxGraphBuilder.Attribute("axis", 1L));
        var parameterParts = new List<string>();
        var typed = new List<(TableColumn Column, string Value)>();
        int part = 0;
        foreach (var column in schema.Columns)
        {
            var value = graph.Parameters(column, parts[part++]);
            parameterParts.Add(value);
            string? missing = null;
            if (column.HasMissing)
            {
                missing = g.AddNode("Sigmoid", $"{column.Name}.p_missing", [parts[part++]]);
                parameterParts.Add(missing);
            }
            typed.Add((column, graph.Typed(column, value, missing)));
        }
        g.AddNode("Concat", "x_hat.concat", [.. parameterParts], TableGraphNames.XHat, OnnxGraphBuilder.Attribute("axis", 1L));
        g.AddOutput(TableGraphNames.XHat, schema.FeatureCount);
        g.AddOutput(TableGraphNames.Logits, schema.FeatureCount);
        foreach (var (column, value) in typed)
        {
            g.RenameValue(value, column.Name);
            g.AddOutput(column.Name, column.IsText ? DataType.String : DataType.Float, 1);
        }
        parameters = g.ParameterCount;
        var built = g.BuildModel(version, 1,
            "VaeOnnx table decoder: z [N,L]" + (condition is null ? "" : $", {condition} [N,K] the one-hot condition '{metadata.Condition!.Column}'") + " -> x_hat [N,D] (per-feature likelihood parameters: category probabilities, flag and missing-value probabilities, standardised means), logits [N,D] (the network output they come from) and one typed output [N,1] per column (the most probable value).",
            (metadata with { Role = GraphRole.Decoder }).ToProperties());
        // Last: the digest covers the built graph, not its metadata.
        WeightsDigest.Stamp(built);
        return built;
    }

    private string Parameters(TableColumn column, string logits) => column.Kind switch
    {
        ColumnKind.Categorical => _g.AddNode("Softmax", $"{column.Name}.probabilities", [logits], null, OnnxGraphBuilder.Attribute("axis", 1L)),
        ColumnKind.Boolean => _g.AddNode("Sigmoid", $"{column.Name}.p_true", [logits]),
        _ when column.HasModes => ModeParameters(column, logits),
        // Identity gives the mean its own node, so the typed output can take the column's name.
        _ => _g.AddNode("Identity", $"{column.Name}.mean", [logits]),
    };

    /// <summary>A mode-encoded number's parameters [N, 1 + K]: the offset's mean, then the modes' softmax probabilities.</summary>
    private string ModeParameters(TableColumn column, string logits)
    {
        var g = _g;
        int k = column.Modes!.Count;
        var parts = g.AddNode("Split", "", $"{column.Name}.mode_split", [logits, g.AddInt64Initializer($"{column.Name}.mode_split_sizes", 1, k)], [null, null],
            OnnxGraphBuilder.Attribute("axis", 1L));
        var probabilities = g.AddNode("Softmax", $"{column.Name}.mode_probabilities", [parts[1]], null, OnnxGraphBuilder.Attribute("axis", 1L));
        return g.AddNode("Concat", $"{column.Name}.mode_parameters", [parts[0], probabilities], null, OnnxGraphBuilder.Attribute("axis", 1L));
    }

    /// <summary>A mode-encoded number's most probable value [N,1] in raw units: the most probable mode at the offset's mean.</summary>
    private string ModeValue(TableColumn column, string parameters)
    {
        var g = _g;
        var name = column.Name;
        var modes = new ModeEncoding(column);
        int k = modes.Count;
        var parts = g.AddNode("Split", "", $"{name}.typed_split", [parameters, g.AddInt64Initializer($"{name}.typed_split_sizes", 1, k)], [null, null],
            OnnxGraphBuilder.Attribute("axis", 1L));
        var mode = g.AddNode("ArgMax", $"{name}.typed_mode", [parts[1]], null, OnnxGraphBuilder.Attribute("axis", 1L), OnnxGraphBuilder.Attribute("keepdims", 1L));
        string Pick(float[] values, string what) => g.AddNode("Gather", $"{name}.{what}", [g.AddInitializer($"{name}.{what}_table", values, k), mode]);
        var spread = g.AddNode("Mul", $"{name}.typed_spread", [Pick(modes.FourStd, "typed_four_std"), parts[0]]);
        return g.AddNode("Add", $"{name}.typed_value", [Pick(modes.Means, "typed_mean"), spread]);
    }

    /// <summary>The most probable value of a column as its typed output [N,1].</summary>
    private string Typed(TableColumn column, string parameters, string? pMissing)
    {
        var g = _g;
        var name = column.Name;
        string value;
        switch (column.Kind)
        {
            case ColumnKind.Categorical:
                var index = g.AddNode("ArgMax", $"{name}.argmax", [parameters], null, OnnxGraphBuilder.Attribute("axis", 1L), OnnxGraphBuilder.Attribute("keepdims", 1L));
                var keys = new AttributeProto { Name = "keys_int64s", Type = AttributeProto.Types.AttributeType.Ints };
                keys.Ints.AddRange(Enumerable.Range(0, column.Categories!.Count).Select(i => (long)i));
                value = g.AddNode("LabelEncoder", OnnxGraphBuilder.MlDomain, $"{name}.category", [index], [null],
                    keys, OnnxGraphBuilder.Attribute("values_strings", column.Categories!), OnnxGraphBuilder.Attribute("default_string", ""))[0];
                break;
            case ColumnKind.Boolean:
                var isTrue = g.AddNode("Greater", $"{name}.is_true", [parameters, g.AddInitializer($"{name}.half", [0.5f], 1)]);
                value = g.AddNode("Where", $"{name}.flag", [isTrue, g.AddStringInitializer($"{name}.true_text", [column.TrueText!], 1),
                    g.AddStringInitializer($"{name}.false_text", [column.FalseText!], 1)]);
                break;
            case not (ColumnKind.Categorical or ColumnKind.Boolean) when column.HasModes:
                value = ModeValue(column, parameters);
                if (column.IsWhole) value = g.AddNode("Round", $"{name}.round", [value]);
                break;
            default:
                value = g.AddNode("Add", $"{name}.unscale", [
                    g.AddNode("Div", $"{name}.unscale_div", [parameters, g.AddInitializer($"{name}.scale", [column.Scale], 1)]),
                    g.AddInitializer($"{name}.offset", [column.Offset], 1)]);
                if (column.IsWhole) value = g.AddNode("Round", $"{name}.round", [value]);
                break;
        }
        if (pMissing is null) return g.AddNode("Identity", $"{name}.typed", [value]);
        var blank = column.IsText ? g.AddStringInitializer($"{name}.blank", [""], 1) : g.AddInitializer($"{name}.blank", [float.NaN], 1);
        var isBlank = g.AddNode("Greater", $"{name}.is_blank", [pMissing, g.AddInitializer($"{name}.blank_half", [0.5f], 1)]);
        return g.AddNode("Where", $"{name}.typed", [isBlank, blank, value]);
    }
}
