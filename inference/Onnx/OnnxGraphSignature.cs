using Google.Protobuf;
using VaeOnnx.Inference.Onnx.Proto;

namespace VaeOnnx.Inference.Onnx;

/// <summary>
/// The inputs, outputs and metadata_props of an ONNX file as the file states them, read with our own schema.
/// ONNX Runtime's C# API reports dimensions as <c>int</c> (a declared 2^32 + 5 comes back as 5) and dereferences null
/// for a metadata key holding a NUL byte, so the loader takes shapes and metadata from here and only the verdict
/// "this graph loads" from ONNX Runtime.
/// </summary>
internal sealed class OnnxGraphSignature
{
    private OnnxGraphSignature(IReadOnlyDictionary<string, long[]> dims, IReadOnlyDictionary<string, string> metadata)
    {
        this.dims = dims;
        Metadata = metadata;
    }

    private readonly IReadOnlyDictionary<string, long[]> dims;

    /// <summary>metadata_props, each key once.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Declared dimensions of a graph input or output: the fixed size, or -1 for a symbolic or unknown one.</summary>
    public long[] Dims(string name) =>
        dims.TryGetValue(name, out var d) ? d : throw new KeyNotFoundException($"value '{name}' is not a graph input or output");

    /// <summary>Reads the signature of <paramref name="path"/>; damage is a <see cref="VaeModelLoadException"/> naming the file.</summary>
    public static OnnxGraphSignature Read(string path)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new VaeModelLoadException($"{path}: not a valid ONNX file ({e.Message}); expected an ONNX ModelProto", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ONNX Runtime read the file a moment ago: it was replaced or removed since (a model folder being swapped).
            throw new VaeModelLoadException($"{path}: cannot read the file ({e.Message})", e);
        }
        var declared = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (model.Graph is { } graph)
            foreach (var value in graph.Input.Concat(graph.Output))
                declared.TryAdd(value.Name, value.Type?.TensorType?.Shape is { } shape
                    ? shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray()
                    : []);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
            if (!metadata.TryAdd(entry.Key, entry.Value))
                throw new VaeModelLoadException($"{path}: metadata_props holds the key '{entry.Key}' twice; expected each key once");
        return new OnnxGraphSignature(declared, metadata);
    }
}
