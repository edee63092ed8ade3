using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// One graph file while a pair loads: its bytes and what it declares, read once by the contract's reader (the same one
/// <c>vae inspect</c> uses), its weights digest checked, plus a basic ONNX Runtime session that says whether ONNX Runtime
/// accepts the graph and runs the load probe. A basic session on one thread never touches a GPU. A graph from another
/// tool may be adapted (<see cref="GraphAdapter"/>): <see cref="Bytes"/> and <see cref="Session"/> are then the adapted graph's.
/// </summary>
internal sealed class LoadedGraph : IDisposable
{
    private LoadedGraph(string path, byte[] bytes, ModelProto model, OnnxFileSummary summary, InferenceSession session)
    {
        Path = path;
        FileBytes = Bytes = bytes;
        Model = model;
        Summary = summary;
        Session = session;
    }

    public string Path { get; }

    /// <summary>The file as read and checked.</summary>
    public byte[] FileBytes { get; }

    /// <summary>The graph that runs: the file's, or the file's adapted to rows of D floats.</summary>
    public byte[] Bytes { get; private set; }

    /// <summary>The file as the reader parsed it, for <see cref="GraphAdapter"/>, which edits it in place into the graph that runs.</summary>
    public ModelProto Model { get; }

    public OnnxFileSummary Summary { get; }

    public InferenceSession Session { get; private set; }

    public IReadOnlyDictionary<string, string> Properties => Summary.Metadata;

    /// <summary>Reads and opens <paramref name="path"/>; every problem is a <see cref="ModelFileException"/> naming it.</summary>
    public static LoadedGraph Open(string path)
    {
        var summary = OnnxFile.Read(path, out var bytes, out var model);
        return Open(path, bytes, model, summary);
    }

    /// <summary>Opens a graph held in memory, named <paramref name="name"/> in every error (a graph stored in a saved chain).</summary>
    public static LoadedGraph FromBytes(string name, byte[] bytes)
    {
        var summary = OnnxFile.Read(name, bytes, out var model);
        return Open(name, bytes, model, summary);
    }

    private static LoadedGraph Open(string path, byte[] bytes, ModelProto model, OnnxFileSummary summary)
    {
        // Before ONNX Runtime sees the file: a changed weight is a changed file, whatever ONNX Runtime would make of it.
        if (PairDigestCheck.Mismatch(summary) is { } mismatch) throw mismatch;
        // Table pairs take and give text columns; every other pair is float32 throughout.
        bool table = summary.Metadata.ContainsKey(VaeMetadataKeys.TableSchema);
        foreach (var value in summary.Inputs.Concat(summary.Outputs))
            if (!value.IsFloat && !(table && value.IsString))
                throw new ModelFileException(path, $"value '{value.Name}' has element type {value.ElementType}; expected float32{(table ? " or string" : "")}");
        return new LoadedGraph(path, bytes, model, summary, OpenSession(path, bytes, "the file", "expected an ONNX model"));
    }

    /// <summary>Replaces the graph that runs with <paramref name="adapted"/>.</summary>
    public void Adapt(byte[] adapted)
    {
        var session = OpenSession(Path, adapted, "the graph adapted to rows of D values", "expected the file's graph to accept a Reshape in front or behind");
        Session.Dispose();
        (Session, Bytes) = (session, adapted);
    }

    public ModelFileException Problem(string problem) => new(Path, problem);

    public void Dispose() => Session.Dispose();

    private static InferenceSession OpenSession(string path, byte[] bytes, string what, string expected)
    {
        try
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            return new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(path, $"ONNX Runtime cannot load {what} ({e.Message.Split('\n')[0]}); {expected}", e);
        }
    }
}
