using System.Globalization;
using Google.Protobuf;
using VaeOnnx.Contract.Onnx.Proto;

namespace VaeOnnx.Contract.Onnx;

/// <summary>
/// The one reader of ONNX files, ours or another tool's: <c>vae inspect</c>, the exporter's tests and the model loader
/// all go through it, so they accept and refuse the same files. The whole file is parsed from memory, so every length
/// inside is checked against the bytes actually present before anything is allocated from it. Shapes and metadata are
/// read as the file states them (ONNX Runtime's C# API truncates dimensions to int and dereferences null for a metadata
/// key holding a NUL byte). Every problem is a <see cref="ModelFileException"/> naming the file.
/// </summary>
public static class OnnxFile
{
    /// <summary>Largest file read (protobuf messages are limited to 2 GiB).</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Summarises <paramref name="path"/>.</summary>
    public static OnnxFileSummary Read(string path) => Read(path, out _);

    /// <summary>Summarises <paramref name="path"/> and hands back the bytes that were checked, so that a consumer runs exactly those.</summary>
    public static OnnxFileSummary Read(string path, out byte[] bytes) => Read(path, out bytes, out _);

    /// <summary>
    /// <see cref="Read(string, out byte[])"/> that also hands back the model it parsed, so that a consumer that edits the
    /// graph (the loader's adapter for other tools' pairs) works on what was checked instead of parsing the bytes again.
    /// </summary>
    internal static OnnxFileSummary Read(string path, out byte[] bytes, out ModelProto model)
    {
        bytes = ReadBytes(path);
        return Summarise(path, bytes, out model);
    }

    /// <summary>
    /// Summarises a graph held in memory (for example one stored inside a saved ML.NET model) with the same checks as a
    /// file; <paramref name="name"/> names it in every error.
    /// </summary>
    public static OnnxFileSummary Read(string name, byte[] bytes) => Read(name, bytes, out _);

    /// <summary><see cref="Read(string, byte[])"/> that also hands back the parsed model; see <see cref="Read(string, out byte[], out ModelProto)"/>.</summary>
    internal static OnnxFileSummary Read(string name, byte[] bytes, out ModelProto model)
    {
        if (bytes.Length == 0) throw new ModelFileException(name, "empty graph; expected an ONNX model");
        return Summarise(name, bytes, out model);
    }

    private static OnnxFileSummary Summarise(string path, byte[] bytes, out ModelProto model)
    {
        long length = bytes.LongLength;
        model = Parse(path, bytes);
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return new OnnxFileSummary
        {
            Path = path,
            FileBytes = length,
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
            ParameterCount = ParameterCount(graph),
            WeightsDigest = Onnx.WeightsDigest.Compute(model),
            Metadata = Metadata(path, model),
        };
    }

    /// <summary>Parses the model proto of <paramref name="path"/> with the same checks as <see cref="Read(string)"/>.</summary>
    internal static ModelProto ReadModel(string path)
    {
        var model = Parse(path, ReadBytes(path));
        Metadata(path, model);
        return model;
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            if (!File.Exists(path)) throw new ModelFileException(path, "file not found");
            long length = new FileInfo(path).Length;
            if (length == 0) throw new ModelFileException(path, "empty file; expected an ONNX model");
            if (length > MaxFileBytes) throw new ModelFileException(path, $"{length} bytes; ONNX files above 2 GiB (external data) are not supported");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not ModelFileException)
        {
            // Replaced or removed while being read (a model folder being swapped), or not readable.
            throw new ModelFileException(path, $"cannot read the file ({e.Message})", e);
        }
    }

    private static ModelProto Parse(string path, byte[] bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFileException(path, $"not a valid ONNX file ({e.Message}); expected an ONNX ModelProto", e);
        }
        if (model.Graph is null || model.IrVersion <= 0)
            throw new ModelFileException(path, "no ONNX graph or IR version found; expected an ONNX model file");
        return model;
    }

    /// <summary>Elements in all initializers, saturated at <see cref="long.MaxValue"/>: damaged dims must not throw.</summary>
    private static long ParameterCount(GraphProto graph)
    {
        try
        {
            return checked(graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b)));
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    private static Dictionary<string, string> Metadata(string path, ModelProto model)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
            if (!metadata.TryAdd(entry.Key, entry.Value))
                throw new ModelFileException(path, $"metadata_props holds the key '{entry.Key}' twice; expected each key once");
        return metadata;
    }

    private static OnnxValueInfo Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var type = tensor is null ? "NON-TENSOR" : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToUpperInvariant();
        var dims = tensor?.Shape?.Dim ?? [];
        return new OnnxValueInfo(value.Name, type,
            dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray(),
            dims.Select(d => d.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(CultureInfo.InvariantCulture),
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
                _ => "?",
            }).ToArray());
    }
}
