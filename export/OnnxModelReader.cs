using Google.Protobuf;
using VaeOnnx.Inference.Onnx;
using VaeOnnx.Inference.Onnx.Proto;

namespace VaeOnnx.Export;

/// <summary>
/// Reads any ONNX file (ours or another tool's) into an <see cref="OnnxModelSummary"/>. The whole file is parsed from
/// memory, so every length inside is checked against the bytes actually present before anything is allocated from it.
/// </summary>
public static class OnnxModelReader
{
    /// <summary>Largest file read (protobuf messages are limited to 2 GiB).</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Parses the model proto of <paramref name="path"/>.</summary>
    public static ModelProto ReadModel(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        long length = new FileInfo(path).Length;
        if (length == 0) throw new InvalidDataException($"{path}: empty file; expected an ONNX model");
        if (length > MaxFileBytes) throw new InvalidDataException($"{path}: {length} bytes; ONNX files above 2 GiB (external data) are not supported");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a valid ONNX file ({e.Message})", e);
        }
        if (model.Graph is null || model.IrVersion <= 0)
            throw new InvalidDataException($"{path}: no ONNX graph or IR version found; expected an ONNX model file");
        return model;
    }

    /// <summary>Summarises <paramref name="path"/>.</summary>
    public static OnnxModelSummary Read(string path)
    {
        var model = ReadModel(path);
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return new OnnxModelSummary
        {
            Path = path,
            FileBytes = new FileInfo(path).Length,
            IrVersion = model.IrVersion,
            Opsets = model.OpsetImport.GroupBy(o => o.Domain ?? "").ToDictionary(g => g.Key, g => g.Max(o => o.Version)),
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
            ModelVersion = model.ModelVersion,
            DocString = model.DocString,
            Inputs = graph.Input.Where(v => !initializers.Contains(v.Name)).Select(Describe).ToArray(),
            Outputs = graph.Output.Select(Describe).ToArray(),
            NodeCount = graph.Node.Count,
            Operators = graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count()),
            InitializerCount = graph.Initializer.Count,
            ParameterCount = graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b)),
            Metadata = model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        };
    }

    private static OnnxValueSummary Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var type = tensor is null ? "NON-TENSOR" : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToUpperInvariant();
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        }).ToArray() ?? [];
        return new OnnxValueSummary(value.Name, type, dims);
    }
}
