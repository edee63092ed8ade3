using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// One graph file while a pair loads: its bytes and what it declares, read once by the contract's reader (the same one
/// <c>vae inspect</c> uses), plus a basic ONNX Runtime session that says whether ONNX Runtime accepts the graph and runs
/// the load probe. A basic session on one thread never touches a GPU.
/// </summary>
internal sealed class LoadedGraph : IDisposable
{
    private LoadedGraph(string path, byte[] bytes, OnnxFileSummary summary, InferenceSession session)
    {
        Path = path;
        Bytes = bytes;
        Summary = summary;
        Session = session;
    }

    public string Path { get; }

    public byte[] Bytes { get; }

    public OnnxFileSummary Summary { get; }

    public InferenceSession Session { get; }

    public IReadOnlyDictionary<string, string> Properties => Summary.Metadata;

    /// <summary>Reads and opens <paramref name="path"/>; every problem is a <see cref="ModelFileException"/> naming it.</summary>
    public static LoadedGraph Open(string path)
    {
        var summary = OnnxFile.Read(path, out var bytes);
        // Table pairs take and give text columns; every other pair is float32 throughout.
        bool table = summary.Metadata.ContainsKey(VaeMetadataKeys.TableSchema);
        foreach (var value in summary.Inputs.Concat(summary.Outputs))
            if (!value.IsFloat && !(table && value.IsString))
                throw new ModelFileException(path, $"value '{value.Name}' has element type {value.ElementType}; expected float32{(table ? " or string" : "")}");
        try
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            return new LoadedGraph(path, bytes, summary, new InferenceSession(bytes, options));
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(path, $"ONNX Runtime cannot load the file ({e.Message.Split('\n')[0]}); expected an ONNX model", e);
        }
    }

    public ModelFileException Problem(string problem) => new(Path, problem);

    public void Dispose() => Session.Dispose();
}
