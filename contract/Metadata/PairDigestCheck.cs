using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Contract;

/// <summary>
/// The verdict on the weights digests of a pair's two graphs, shared by the loader and <c>vae verify</c> so that they
/// never disagree. A pair is <see cref="Verified"/> when both graphs record a digest and both match the files. A pair with
/// no digest in either graph (a pair from another tool, or a VaeOnnx export made before digests) is not verified and gets
/// a <see cref="Note"/>. Everything else is a <see cref="Problems"/> entry naming the file: a digest that does not match
/// (the file changed after export), a malformed digest, or a digest in one graph only (its key was damaged or removed).
/// </summary>
public sealed record PairDigestCheck
{
    /// <summary>Both graphs record a digest and both match.</summary>
    public required bool Verified { get; init; }

    /// <summary>For a pair without digests: what it is and that its weights were not checked; null otherwise.</summary>
    public string? Note { get; init; }

    /// <summary>What is wrong, one entry per file at fault; empty when the pair is verified or has no digests.</summary>
    public IReadOnlyList<ModelFileException> Problems { get; init; } = [];

    /// <summary>
    /// The problem with the digest <paramref name="graph"/> records on its own (malformed, or not the file's), or null
    /// when it matches or none is recorded. The loader asks this before ONNX Runtime opens the file, so a changed weight is
    /// reported as a changed file rather than as whatever ONNX Runtime makes of it.
    /// </summary>
    public static ModelFileException? Mismatch(OnnxFileSummary graph)
    {
        if (!graph.Metadata.TryGetValue(VaeMetadataKeys.WeightsDigest, out var recorded)) return null;
        if (!WeightsDigest.IsWellFormed(recorded))
            return new ModelFileException(graph.Path, $"metadata '{VaeMetadataKeys.WeightsDigest}' is '{Shorten(recorded)}'; expected '{WeightsDigest.Scheme}' and 64 lowercase hex digits");
        if (recorded != graph.WeightsDigest)
            return new ModelFileException(graph.Path, $"weights digest mismatch: metadata '{VaeMetadataKeys.WeightsDigest}' records {recorded} but the file's weights and nodes hash to {graph.WeightsDigest}; the file changed after export (damaged in storage or transfer, or edited): restore the exported file or export the pair again");
        return null;
    }

    /// <summary>Checks the digests of <paramref name="encoder"/> and <paramref name="decoder"/> against their files and each other.</summary>
    public static PairDigestCheck Of(OnnxFileSummary encoder, OnnxFileSummary decoder)
    {
        var problems = new[] { Mismatch(encoder), Mismatch(decoder) }.OfType<ModelFileException>().ToList();
        bool encoderHas = encoder.Metadata.ContainsKey(VaeMetadataKeys.WeightsDigest), decoderHas = decoder.Metadata.ContainsKey(VaeMetadataKeys.WeightsDigest);
        if (encoderHas != decoderHas)
        {
            var (without, with) = encoderHas ? (decoder, encoder) : (encoder, decoder);
            problems.Add(PairMetadata.IsStamped(without.Metadata)
                ? new ModelFileException(without.Path, $"has no weights digest (metadata '{VaeMetadataKeys.WeightsDigest}') but {with.Path} has one; every VaeOnnx export writes one into both graphs, so this file's metadata was damaged or edited: restore the exported file or export the pair again")
                : PairMetadata.NotStamped(without.Path, with.Path));
        }
        if (problems.Count > 0) return new PairDigestCheck { Verified = false, Problems = problems };
        if (encoderHas) return new PairDigestCheck { Verified = true };
        return new PairDigestCheck { Verified = false, Note = NoteFor(encoder, decoder) };
    }

    private static string NoteFor(OnnxFileSummary encoder, OnnxFileSummary decoder)
    {
        var folder = Path.GetDirectoryName(encoder.Path);
        var where = folder is not null && folder == Path.GetDirectoryName(decoder.Path) ? folder : $"{encoder.Path} and {decoder.Path}";
        if (PairMetadata.IsStamped(encoder.Metadata) || PairMetadata.IsStamped(decoder.Metadata))
            return $"{where}: exported by VaeOnnx before weights digests (no metadata '{VaeMetadataKeys.WeightsDigest}'), so its weights were not checked; 'vae verify --model DIR --stamp' records digests of the files as they are now";
        var producer = string.IsNullOrWhiteSpace(encoder.ProducerName) ? "unknown producer" : $"producer '{encoder.ProducerName}'";
        return $"{where}: a pair from another tool ({producer}) carries no weights digest, so its weights were not checked";
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..77] + "..." : text;
}
