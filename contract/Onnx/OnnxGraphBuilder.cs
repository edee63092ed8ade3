using System.Runtime.InteropServices;
using Google.Protobuf;
using VaeOnnx.Contract.Onnx.Proto;

namespace VaeOnnx.Contract.Onnx;

/// <summary>
/// Assembles an ONNX graph: inputs and outputs with a symbolic batch dimension, float initializers stored as little-endian
/// <c>raw_data</c>, and nodes. Produces a <see cref="ModelProto"/> for ir_version 8 / default-domain opset 17, the pair that
/// ONNX Runtime 1.31 and Debian 12's onnx 1.12 checker both accept.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>IR version written.</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain opset written.</summary>
    public const long Opset = 17;

    /// <summary>The symbolic batch dimension's name.</summary>
    public const string BatchDim = "N";

    /// <summary>The domain of ONNX's traditional-ML operators (LabelEncoder, ...).</summary>
    public const string MlDomain = "ai.onnx.ml";

    /// <summary>The ai.onnx.ml opset written when a graph uses it: the newest that Debian 12's onnx 1.12 checker knows (ONNX Runtime 1.31 reads up to 5).</summary>
    public const long MlOpset = 3;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _usesMl;

    /// <summary>Starts an empty graph.</summary>
    public OnnxGraphBuilder(string graphName) => _graph = new GraphProto { Name = graphName };

    /// <summary>Number of float parameters in the initializers.</summary>
    public long ParameterCount { get; private set; }

    /// <summary>A name not used yet in this graph, derived from <paramref name="prefix"/>.</summary>
    private string UniqueName(string prefix)
    {
        var name = prefix;
        for (int i = 1; !_names.Add(name); i++) name = $"{prefix}_{i}";
        return name;
    }

    /// <summary>Declares a float input [N, dims...].</summary>
    public string AddInput(string name, params long[] featureDims)
    {
        Claim(name);
        _graph.Input.Add(FloatValue(name, featureDims));
        return name;
    }

    /// <summary>Declares a float input [N, dims...] where each dim is a fixed size (a long) or the name of a symbolic one (a string).</summary>
    public string AddSymbolicInput(string name, params object[] featureDims)
    {
        Claim(name);
        _graph.Input.Add(FloatValue(name, featureDims));
        return name;
    }

    /// <summary>Declares a float output [N, dims...] with fixed (long) or symbolic (string) dims.</summary>
    public void AddSymbolicOutput(string name, params object[] featureDims) => _graph.Output.Add(FloatValue(name, featureDims));

    /// <summary>Declares a float output [N, dims...].</summary>
    public void AddOutput(string name, params long[] featureDims) => _graph.Output.Add(FloatValue(name, featureDims));

    /// <summary>
    /// Declares an output of <paramref name="type"/> with exactly <paramref name="dims"/>, no batch dimension: for graphs
    /// that ML.NET's OnnxTransformer runs one row at a time, which types a column after the declared shape (an output
    /// [C] is a vector of C values, a rank-0 output a single value).
    /// </summary>
    public void AddRowOutput(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        });
    }

    /// <summary>Declares an input of <paramref name="type"/> [N, dims...].</summary>
    public string AddInput(string name, TensorProto.Types.DataType type, params long[] featureDims)
    {
        Claim(name);
        _graph.Input.Add(TypedValue(name, type, featureDims));
        return name;
    }

    /// <summary>Declares an output of <paramref name="type"/> [N, dims...].</summary>
    public void AddOutput(string name, TensorProto.Types.DataType type, params long[] featureDims) => _graph.Output.Add(TypedValue(name, type, featureDims));

    /// <summary>Adds a string initializer.</summary>
    public string AddStringInitializer(string prefix, IReadOnlyList<string> values, params long[] dims)
    {
        var name = UniqueName(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.String };
        tensor.Dims.AddRange(dims);
        foreach (var v in values) tensor.StringData.Add(ByteString.CopyFromUtf8(v));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node of any domain with several outputs (given names, or derived from <paramref name="name"/> when null).</summary>
    public string[] AddNode(string opType, string domain, string name, string[] inputs, string?[] outputs, params AttributeProto[] attributes)
    {
        var nodeName = UniqueName(name);
        var names = outputs.Select((o, i) =>
        {
            if (o is null) return UniqueName($"{nodeName}_out{i}");
            Claim(o);
            return o;
        }).ToArray();
        var node = new NodeProto { OpType = opType, Name = nodeName, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        if (domain == MlDomain) _usesMl = true;
        return names;
    }

    /// <summary>Adds a float32 initializer.</summary>
    public string AddInitializer(string prefix, ReadOnlySpan<float> values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length) throw new ArgumentException($"initializer {prefix}: {values.Length} values for dims [{string.Join(",", dims)}]");
        var name = UniqueName(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian by the ONNX spec; .NET on every supported platform is little-endian too.
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        ParameterCount += count;
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes for Reshape).</summary>
    public string AddInt64Initializer(string prefix, params long[] values)
    {
        var name = UniqueName(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output; returns the output's name.</summary>
    /// <param name="opType">ONNX operator, default domain.</param>
    /// <param name="name">Node name (made unique); also the output name unless <paramref name="output"/> is given.</param>
    /// <param name="inputs">Input value names.</param>
    /// <param name="output">Output value name, e.g. a graph output; null derives one from <paramref name="name"/>.</param>
    /// <param name="attributes">Node attributes.</param>
    public string AddNode(string opType, string name, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        var nodeName = UniqueName(name);
        var outputName = output ?? UniqueName(nodeName + "_out");
        if (output is not null) Claim(output);
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        node.Output.Add(outputName);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputName;
    }

    /// <summary>Renames the output of the node that produces <paramref name="value"/> (so the last node can write a graph output directly).</summary>
    public void RenameValue(string value, string newName)
    {
        if (value == newName) return;
        Claim(newName);
        var node = _graph.Node.LastOrDefault(n => n.Output.Contains(value))
            ?? throw new InvalidOperationException($"no node produces '{value}'; a graph input cannot be renamed");
        node.Output[node.Output.IndexOf(value)] = newName;
        foreach (var n in _graph.Node)
            for (int i = 0; i < n.Input.Count; i++)
                if (n.Input[i] == value) n.Input[i] = newName;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Attribute(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A string attribute.</summary>
    public static AttributeProto Attribute(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A string-list attribute.</summary>
    public static AttributeProto Attribute(string name, IEnumerable<string> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    /// <summary>A float-list attribute.</summary>
    public static AttributeProto Attribute(string name, float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    /// <summary>Wraps the graph in a model with producer, versions, documentation and metadata.</summary>
    public ModelProto BuildModel(string producerVersion, long modelVersion, string docString, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion, ProducerName = "VaeOnnx", ProducerVersion = producerVersion, ModelVersion = modelVersion,
            DocString = docString, Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (_usesMl) model.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = MlOpset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name)) throw new ArgumentException($"value name '{name}' is already used in graph {_graph.Name}");
    }

    private static ValueInfoProto FloatValue(string name, long[] featureDims) => TypedValue(name, TensorProto.Types.DataType.Float, featureDims);

    private static ValueInfoProto FloatValue(string name, object[] featureDims) => TypedValue(name, TensorProto.Types.DataType.Float, featureDims);

    private static ValueInfoProto TypedValue(string name, TensorProto.Types.DataType type, long[] featureDims) =>
        TypedValue(name, type, featureDims.Cast<object>().ToArray());

    private static ValueInfoProto TypedValue(string name, TensorProto.Types.DataType type, object[] featureDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        foreach (var d in featureDims)
            shape.Dim.Add(d switch
            {
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                _ => throw new ArgumentException($"dimension {d} of '{name}' is neither a size nor a symbolic name"),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
