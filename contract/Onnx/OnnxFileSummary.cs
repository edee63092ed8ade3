namespace VaeOnnx.Contract.Onnx;

/// <summary>What an ONNX file declares: versions, producer, graph inputs and outputs, size of the weights and metadata.</summary>
public sealed record OnnxFileSummary
{
    /// <summary>File read.</summary>
    public required string Path { get; init; }
    /// <summary>File size in bytes.</summary>
    public long FileBytes { get; init; }
    /// <summary>ONNX IR version.</summary>
    public long IrVersion { get; init; }
    /// <summary>Opset per domain ("" is the default domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; init; } = new Dictionary<string, long>();
    /// <summary>producer_name.</summary>
    public string ProducerName { get; init; } = "";
    /// <summary>producer_version.</summary>
    public string ProducerVersion { get; init; } = "";
    /// <summary>model_version.</summary>
    public long ModelVersion { get; init; }
    /// <summary>doc_string.</summary>
    public string DocString { get; init; } = "";
    /// <summary>Graph inputs that are not initializers, in order.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; init; } = [];
    /// <summary>Graph outputs, in order.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; init; } = [];
    /// <summary>Number of nodes.</summary>
    public int NodeCount { get; init; }
    /// <summary>Operators used, with counts.</summary>
    public IReadOnlyDictionary<string, int> Operators { get; init; } = new Dictionary<string, int>();
    /// <summary>Number of initializers.</summary>
    public int InitializerCount { get; init; }
    /// <summary>Elements in all initializers.</summary>
    public long ParameterCount { get; init; }
    /// <summary>
    /// The <see cref="Onnx.WeightsDigest"/> of the graph as it is in the file (computed on every read, whether or not
    /// the file records one in <see cref="VaeMetadataKeys.WeightsDigest"/>).
    /// </summary>
    public string WeightsDigest { get; init; } = "";
    /// <summary>metadata_props, each key once.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The declared input or output named <paramref name="name"/>, or null.</summary>
    public OnnxValueInfo? Value(string name) => Inputs.Concat(Outputs).FirstOrDefault(v => v.Name == name);
}
