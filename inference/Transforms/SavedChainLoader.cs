using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Loading;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Loads a saved chain with <c>mlContext.Model.Load</c> and puts the block-scoring transformers back in place of the saved
/// VaeOnnx segments (found by their <see cref="SavedSegment"/> marker through the chain's public output schemas). The
/// graphs come from the zip itself: ML.NET stores each ONNX scoring step's model as an entry holding a 4-byte length and
/// the graph's bytes, and an entry is used only when its length and its SHA-256 match what the marker recorded. Anything
/// that does not match (a zip from before the marker, a damaged entry, a future layout) keeps ML.NET's own transformers,
/// which compute the same numbers one row per ONNX Runtime call.
/// </summary>
internal static class SavedChainLoader
{
    /// <summary>The name ML.NET's ONNX scoring gives the stored model in its folder of the zip.</summary>
    private const string OnnxEntryName = "OnnxModel";

    public static ITransformer Load(MLContext ml, byte[] zip, string source, out DataViewSchema inputSchema, VaeSessionOptions options)
    {
        VaeModel.Register(ml);
        ITransformer loaded;
        using (var stream = new MemoryStream(zip, writable: false)) loaded = ml.Model.Load(stream, out inputSchema);
        var graphs = new Lazy<Dictionary<string, byte[]>>(() => StoredGraphs(zip));
        return Upgrade(ml, loaded, inputSchema, graphs, source, options);
    }

    private static ITransformer Upgrade(MLContext ml, ITransformer transformer, DataViewSchema input, Lazy<Dictionary<string, byte[]>> graphs, string source, VaeSessionOptions options)
    {
        if (transformer is not TransformerChain<ITransformer> chain) return transformer;
        var steps = chain.ToArray();
        if (steps.Length == 0) return transformer;
        if (FindMarker(steps[0].GetOutputSchema(input), input) is SavedSegment segment)
        {
            var replacement = Rebuild(ml, segment, input, graphs, source, options);
            if (replacement is null) return transformer;
            chain.Dispose(); // ML.NET's sessions for the same graphs are not needed any more
            return replacement;
        }
        var scopes = Scopes(chain, steps);
        var upgraded = new ITransformer[steps.Length];
        bool changed = false;
        var schema = input;
        for (int i = 0; i < steps.Length; i++)
        {
            upgraded[i] = Upgrade(ml, steps[i], schema, graphs, source, options);
            changed |= !ReferenceEquals(upgraded[i], steps[i]);
            schema = upgraded[i].GetOutputSchema(schema);
        }
        return changed ? new TransformerChain<ITransformer>(upgraded, scopes) : transformer;
    }

    /// <summary>The marker column the first step of a chain adds, if any.</summary>
    private static SavedSegment? FindMarker(DataViewSchema output, DataViewSchema input)
    {
        foreach (var column in output)
            if (column.Name.StartsWith(SavedSegment.ColumnPrefix, StringComparison.Ordinal) && input.GetColumnOrNull(column.Name) is null)
                return SavedSegment.Parse(column.Name);
        return null;
    }

    /// <summary>The block-scoring transformer of <paramref name="segment"/>, or null (with a warning) when its graphs are not in the zip.</summary>
    private static ITransformer? Rebuild(MLContext ml, SavedSegment segment, DataViewSchema input, Lazy<Dictionary<string, byte[]>> graphs, string source, VaeSessionOptions options)
    {
        byte[]? Graph(string? sha) => sha is null ? null : graphs.Value.GetValueOrDefault(sha);
        byte[]? encoder = Graph(segment.EncoderSha256), decoder = Graph(segment.DecoderSha256);
        if ((segment.EncoderSha256 is not null && encoder is null) || (segment.DecoderSha256 is not null && decoder is null))
        {
            options.Warn($"{source}: the graphs of the saved {segment.Stage} step of pair {segment.PairId} are not in the zip as recorded; it scores through ML.NET's own transformers, one row per ONNX Runtime call");
            return null;
        }
        var model = PairLoader.LoadSaved(source, encoder, decoder, segment.PairId, options, segment.Likelihood);
        var c = segment.Columns;
        IEstimator<ITransformer> estimator = segment.Stage switch
        {
            SavedStepKind.Encode => new VaeEncodeEstimator(ml.Transforms, model, c[0], c[1], c[2]),
            SavedStepKind.Decode => new VaeDecodeEstimator(ml.Transforms, model, c[0], c[1]),
            SavedStepKind.Reconstruct => new VaeReconstructEstimator(ml.Transforms, model, c[0], c[1]),
            SavedStepKind.TableScore => new VaeTableScoreEstimator(ml.Transforms, model, c[0], c[1]),
            _ => new VaeAnomalyScoreEstimator(ml.Transforms, model, c[0], c[1]),
        };
        return estimator.Fit(new EmptyDataView(input));
    }

    /// <summary>The scope of each step: ML.NET exposes a chain's scopes only through <c>GetModelFor</c>.</summary>
    private static TransformerScope[] Scopes(TransformerChain<ITransformer> chain, ITransformer[] steps)
    {
        var scopes = new TransformerScope[steps.Length];
        foreach (var scope in new[] { TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring })
        {
            var members = chain.GetModelFor(scope).ToHashSet(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < steps.Length; i++)
                if (members.Contains(steps[i])) scopes[i] |= scope;
        }
        return scopes;
    }

    /// <summary>The ONNX graphs stored in the zip, by SHA-256 of their bytes.</summary>
    private static Dictionary<string, byte[]> StoredGraphs(byte[] zip)
    {
        var graphs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            if (entry.Name != OnnxEntryName || entry.Length < 4 || entry.Length > int.MaxValue) continue;
            var content = new byte[entry.Length];
            using (var stream = entry.Open()) stream.ReadExactly(content);
            int length = BinaryPrimitives.ReadInt32LittleEndian(content); // ML.NET's BinaryWriter writes little-endian
            if (length != content.Length - 4) continue;
            var graph = content[4..];
            graphs.TryAdd(SavedSegment.Sha256(graph), graph);
        }
        return graphs;
    }
}
