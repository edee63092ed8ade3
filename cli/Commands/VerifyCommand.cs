using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeOnnx.Contract.IO;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae verify</c>: recomputes the weights digests of a model folder's two graphs and compares them with the ones the
/// export recorded, without ONNX Runtime and without scoring (the same check, <see cref="PairDigestCheck"/>, that every
/// load makes). Exit 0 only when both match. <c>--stamp</c> records digests in a VaeOnnx pair exported before digests.
/// </summary>
public static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (encoder.onnx + decoder.onnx).", Required = true };
        var stamp = new Option<bool>("--stamp") { Description = "Record weights digests in a VaeOnnx pair exported before digests (appends one metadata entry per graph; no other byte changes)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("verify", """
            Check that a model folder's graphs are the ones exported: each graph's weights digest (its initializers, nodes
            and opsets) is recomputed and compared with the one recorded at export. Nothing is scored and ONNX Runtime is
            not used. Exits with 1 when a graph changed, when only one graph has a digest, and when the pair has none (a
            pair from another tool, or a VaeOnnx export made before digests: --stamp records them from the files as they
            are now, so run it only on files you trust).
            Examples:
              vae verify --model models/fashion-mnist-mlp
              vae verify --model old-export --stamp
            """)
        { model, stamp, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var folder = parse.GetValue(model)!;
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: model folder not found; expected a folder with {ModelCard.EncoderFileName} and {ModelCard.DecoderFileName}");
            var files = new[] { ModelCard.EncoderFileName, ModelCard.DecoderFileName }.Select(f => Path.GetFullPath(Path.Combine(folder, f))).ToArray();
            var stamped = parse.GetValue(stamp) ? Stamp(folder, files) : [];
            var (encoder, decoder) = (OnnxFile.Read(files[0]), OnnxFile.Read(files[1]));
            var check = PairDigestCheck.Of(encoder, decoder);
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                CommandRunner.WriteJson(stdout, new Dictionary<string, object?>
                {
                    [ModelCard.EncoderFileName] = Json(encoder), [ModelCard.DecoderFileName] = Json(decoder),
                    ["verified"] = check.Verified, ["stamped"] = stamped, ["note"] = check.Note, ["problems"] = check.Problems.Select(p => p.Message).ToArray(),
                });
            else
            {
                foreach (var file in stamped) stdout.WriteLine($"{file}: weights digest recorded");
                foreach (var summary in new[] { encoder, decoder }) stdout.WriteLine($"{summary.Path}: {Status(summary)}");
                if (check.Verified) stdout.WriteLine("verified: both graphs are as exported");
            }
            if (check.Problems.Count == 1) throw check.Problems[0];
            if (check.Problems.Count > 1) throw new IOException(string.Join("; and ", check.Problems.Select(p => p.Message)));
            if (!check.Verified) throw new InvalidOperationException($"cannot verify: {check.Note}");
            return 0;
        }));
        return command;
    }

    private static string Status(OnnxFileSummary s) => s.Metadata.GetValueOrDefault(VaeMetadataKeys.WeightsDigest) switch
    {
        null => $"weights digest {s.WeightsDigest}, none recorded",
        var recorded when recorded == s.WeightsDigest => $"weights digest {s.WeightsDigest} matches",
        var recorded => $"weights digest {s.WeightsDigest} DIFFERS from the recorded {recorded}",
    };

    private static Dictionary<string, object?> Json(OnnxFileSummary s)
    {
        var recorded = s.Metadata.GetValueOrDefault(VaeMetadataKeys.WeightsDigest);
        return new() { ["path"] = s.Path, ["weights_digest"] = s.WeightsDigest, ["recorded"] = recorded, ["matches"] = recorded == s.WeightsDigest };
    }

    /// <summary>Records a digest in each graph of a VaeOnnx pair that has none; refuses changed graphs and pairs from other tools.</summary>
    private static string[] Stamp(string folder, string[] files)
    {
        var summaries = files.Select(f => OnnxFile.Read(f)).ToArray();
        if (!summaries.Any(s => PairMetadata.IsStamped(s.Metadata)))
            throw new ModelFileException(files[0], "no VaeOnnx metadata: a pair from another tool; --stamp records digests only in VaeOnnx exports made before digests");
        foreach (var summary in summaries)
            if (PairDigestCheck.Mismatch(summary) is { } problem) throw problem;
        var stamped = new List<string>();
        foreach (var summary in summaries.Where(s => !s.Metadata.ContainsKey(VaeMetadataKeys.WeightsDigest)))
        {
            WeightsDigest.StampFile(summary.Path);
            stamped.Add(summary.Path);
        }
        if (stamped.Count > 0) UpdateCardSizes(Path.Combine(folder, ModelCard.FileName), files);
        return [.. stamped];
    }

    /// <summary>model.json repeats the graphs' sizes: keep them true, leaving every other field as written.</summary>
    private static void UpdateCardSizes(string card, string[] files)
    {
        if (!File.Exists(card)) return;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(card));
        }
        catch (JsonException)
        {
            return; // a damaged card is reported by ModelCard.Read where it is read; the graphs are the source of truth
        }
        if (root?["file_bytes"] is not JsonObject sizes) return;
        sizes["encoder"] = new FileInfo(files[0]).Length;
        sizes["decoder"] = new FileInfo(files[1]).Length;
        AtomicFileWriter.WriteText(card, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
