using System.Runtime.InteropServices;
using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx.Proto;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Makes a pair from another tool score like ours: every scorer (the engine, the saved ML.NET chain, <c>vae bench</c>)
/// feeds rows of D floats and reads [N, L] and [N, D] back. Where the files differ, the graph that runs is the file's graph
/// with a few nodes added in front of or behind it, never inside: a Reshape from [N, D] to the image the encoder takes, a
/// Reshape of the decoder's image to [N, D], the log-variance computed from a standard deviation (2·ln σ), a variance
/// (ln v) or a log standard deviation (2·v), and the sizes the probe found written where the file left them symbolic
/// (ML.NET's ONNX transform needs fixed vector sizes). The file's own nodes and weights are untouched; a pair that needs
/// none of this runs exactly as the file is.
/// </summary>
internal static class GraphAdapter
{
    /// <summary>The names the runnable encoder and decoder use.</summary>
    public sealed record Names(string EncoderInput, string EncoderMu, string EncoderLogVar, string DecoderInput, string DecoderOutput);

    /// <summary>
    /// Adapts both graphs where needed (editing the models the reader parsed, <see cref="LoadedGraph.Model"/>, and replacing
    /// their sessions) and returns the names to score with.
    /// </summary>
    public static Names Adapt(LoadedGraph encoder, LoadedGraph decoder, PairShapes shapes, int latentDim)
    {
        var (input, logvar) = AdaptEncoder(encoder, shapes, latentDim);
        var output = AdaptDecoder(decoder, shapes, latentDim);
        return new Names(input, shapes.Mean.Name, logvar, shapes.DecoderInput.Name, output);
    }

    private static (string Input, string LogVar) AdaptEncoder(LoadedGraph encoder, PairShapes shapes, int latentDim)
    {
        // Most pairs (every VaeOnnx export) need nothing and run exactly as the file is.
        if (shapes.Sample.Layout == InputLayout.Flat && shapes.Mean.Dims[1] >= 0 && shapes.Spread.Dims[1] >= 0 && shapes.SpreadKind == SpreadKind.LogVariance)
            return (shapes.EncoderInput.Name, shapes.Spread.Name);
        var model = encoder.Model;
        var graph = model.Graph;
        var names = UsedNames(graph);
        bool changed = false;
        string input = shapes.EncoderInput.Name;
        if (shapes.Sample.Layout != InputLayout.Flat)
        {
            // A new flat input; the Reshape writes the file's input name, so the file's nodes read what they always read.
            var declared = graph.Input.First(v => v.Name == input);
            var flat = Unique(names, "x_flat");
            var shape = AddInt64(graph, Unique(names, "x_flat.shape"), [-1, .. shapes.Sample.Dims.Select(d => (long)d)]);
            graph.Node.Insert(0, Node("Reshape", Unique(names, "x_flat.reshape"), [flat, shape], input));
            graph.Input[graph.Input.IndexOf(declared)] = FloatValue(flat, declared, shapes.InputDim);
            input = flat;
            changed = true;
        }
        foreach (var output in graph.Output)
            if (output.Name == shapes.Mean.Name || output.Name == shapes.Spread.Name) changed |= Pin(output, 1, latentDim);
        string logvar = shapes.Spread.Name;
        if (shapes.SpreadKind != SpreadKind.LogVariance)
        {
            var spread = graph.Output.First(v => v.Name == shapes.Spread.Name);
            logvar = Unique(names, "logvar");
            switch (shapes.SpreadKind)
            {
                case SpreadKind.Variance:
                    Append(graph, Node("Log", Unique(names, "logvar.log"), [spread.Name], logvar));
                    break;
                case SpreadKind.StandardDeviation:
                    var log = Append(graph, Node("Log", Unique(names, "logvar.log"), [spread.Name], Unique(names, "logvar.log_sigma")));
                    Append(graph, Node("Mul", Unique(names, "logvar.mul"), [log, AddFloat(graph, Unique(names, "logvar.two"), 2f)], logvar));
                    break;
                default:
                    Append(graph, Node("Mul", Unique(names, "logvar.mul"), [spread.Name, AddFloat(graph, Unique(names, "logvar.two"), 2f)], logvar));
                    break;
            }
            graph.Output.Add(FloatValue(logvar, spread, latentDim));
            changed = true;
        }
        if (changed) encoder.Adapt(model.ToByteArray());
        return (input, logvar);
    }

    private static string AdaptDecoder(LoadedGraph decoder, PairShapes shapes, int latentDim)
    {
        if (shapes.DecoderInput.Dims[1] >= 0 && shapes.DecoderOutput.Dims.Count == 2 && shapes.DecoderOutput.Dims[1] >= 0) return shapes.DecoderOutput.Name;
        var model = decoder.Model;
        var graph = model.Graph;
        var names = UsedNames(graph);
        bool changed = false;
        foreach (var value in graph.Input)
            if (value.Name == shapes.DecoderInput.Name) changed |= Pin(value, 1, latentDim);
        string output = shapes.DecoderOutput.Name;
        var declared = graph.Output.First(v => v.Name == output);
        if (shapes.DecoderOutput.Dims.Count != 2)
        {
            var flat = Unique(names, "x_hat_flat");
            var shape = AddInt64(graph, Unique(names, "x_hat_flat.shape"), [-1, shapes.InputDim]);
            Append(graph, Node("Reshape", Unique(names, "x_hat_flat.reshape"), [output, shape], flat));
            graph.Output[graph.Output.IndexOf(declared)] = FloatValue(flat, declared, shapes.InputDim);
            output = flat;
            changed = true;
        }
        else changed |= Pin(declared, 1, shapes.InputDim);
        if (changed) decoder.Adapt(model.ToByteArray());
        return output;
    }

    /// <summary>Writes <paramref name="size"/> into dimension <paramref name="index"/> where the file leaves it symbolic.</summary>
    private static bool Pin(ValueInfoProto value, int index, int size)
    {
        var dim = value.Type.TensorType.Shape.Dim[index];
        if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue >= 0) return false;
        dim.DimValue = size;
        return true;
    }

    /// <summary>A float value [batch as <paramref name="like"/> declares it, <paramref name="size"/>].</summary>
    private static ValueInfoProto FloatValue(string name, ValueInfoProto like, int size)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(like.Type.TensorType.Shape.Dim[0].Clone());
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static string Append(GraphProto graph, NodeProto node)
    {
        graph.Node.Add(node);
        return node.Output[0];
    }

    private static string AddInt64(GraphProto graph, string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(values.Length);
        graph.Initializer.Add(tensor);
        return name;
    }

    private static string AddFloat(GraphProto graph, string name, float value)
    {
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(BitConverter.GetBytes(value)) });
        return name;
    }

    /// <summary>Every name the graph uses for a value or a node.</summary>
    private static HashSet<string> UsedNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            names.Add(node.Name);
            names.UnionWith(node.Input);
            names.UnionWith(node.Output);
        }
        names.UnionWith(graph.Initializer.Select(t => t.Name));
        names.UnionWith(graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Select(v => v.Name));
        return names;
    }

    private static string Unique(HashSet<string> names, string prefix)
    {
        var name = prefix;
        for (int i = 1; !names.Add(name); i++) name = $"{prefix}_{i}";
        return name;
    }
}
