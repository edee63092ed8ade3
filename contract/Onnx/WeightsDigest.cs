using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using VaeOnnx.Contract.Onnx.Proto;

namespace VaeOnnx.Contract.Onnx;

/// <summary>
/// The digest of what determines the numbers an ONNX graph computes, stored by the exporter in
/// <see cref="VaeMetadataKeys.WeightsDigest"/> and recomputed by every load: the initializers (name, element type, dims and
/// data, in name order, so their order in the file does not count), the nodes (operator, domain, input and output names
/// and attributes, in graph order: a flipped Gemm <c>transB</c> or LeakyReLU slope changes the numbers as surely as a
/// flipped weight) and the opset versions (they choose each operator's definition). Left out, because they do not change
/// what the graph computes or are checked elsewhere: metadata_props (checked by their own readers; the digest lives
/// there), doc strings, graph and node names, producer, IR version and the declared input and output shapes (the loader
/// checks them against the graph by running it). SHA-256 over a length-prefixed encoding of those fields, written
/// <c>sha256:</c> and 64 lowercase hex digits.
/// </summary>
public static class WeightsDigest
{
    /// <summary>Prefix of every digest.</summary>
    public const string Scheme = "sha256:";

    private static readonly byte[] Header = "vaeonnx weights digest 1\n"u8.ToArray();

    /// <summary>True when <paramref name="text"/> is a digest as this library writes it.</summary>
    public static bool IsWellFormed(string? text) =>
        text is not null && text.Length == Scheme.Length + 64 && text.StartsWith(Scheme, StringComparison.Ordinal)
        && text.AsSpan(Scheme.Length).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>The digest of <paramref name="model"/>.</summary>
    internal static string Compute(ModelProto model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var w = new Writer(hash);
        w.Raw(Header);
        foreach (var opset in model.OpsetImport.OrderBy(o => o.Domain ?? "", StringComparer.Ordinal).ThenBy(o => o.Version))
        {
            w.Tag('O');
            w.Text(opset.Domain);
            w.Int(opset.Version);
        }
        var graph = model.Graph;
        foreach (var tensor in graph.Initializer.OrderBy(t => t.Name ?? "", StringComparer.Ordinal))
        {
            w.Tag('T');
            w.Tensor(tensor);
        }
        foreach (var node in graph.Node)
        {
            w.Tag('N');
            w.Text(node.OpType);
            w.Text(node.Domain);
            w.Texts(node.Input);
            w.Texts(node.Output);
            foreach (var attribute in node.Attribute.OrderBy(a => a.Name ?? "", StringComparer.Ordinal))
            {
                // Every field of the attribute but its doc string, unknown ones (subgraphs of If/Loop) included:
                // protobuf writes a parsed message back in one fixed order, so the bytes are canonical.
                var copy = attribute.Clone();
                copy.ClearDocString();
                w.Tag('A');
                w.Block(copy.ToByteArray());
            }
        }
        w.Flush();
        return Scheme + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Adds the digest of <paramref name="model"/> to its metadata_props, last (the digest does not cover them).</summary>
    internal static string Stamp(ModelProto model)
    {
        var digest = Compute(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = VaeMetadataKeys.WeightsDigest, Value = digest });
        return digest;
    }

    /// <summary>
    /// Records the digest of a graph file that has none, for a pair exported before digests. One metadata_props entry is
    /// appended to the file's bytes (protobuf merges a repeated field written after the rest), so every earlier byte,
    /// every weight included, stays as it was. Written through <see cref="IO.AtomicFileWriter"/>.
    /// </summary>
    /// <returns>The digest recorded.</returns>
    public static string StampFile(string path)
    {
        var summary = OnnxFile.Read(path, out var bytes);
        if (summary.Metadata.ContainsKey(VaeMetadataKeys.WeightsDigest))
            throw new ModelFileException(path, $"already carries metadata '{VaeMetadataKeys.WeightsDigest}'; expected a file without a weights digest");
        var entry = new ModelProto();
        entry.MetadataProps.Add(new StringStringEntryProto { Key = VaeMetadataKeys.WeightsDigest, Value = summary.WeightsDigest });
        IO.AtomicFileWriter.Write(path, s =>
        {
            s.Write(bytes);
            entry.WriteTo(s);
        });
        return summary.WeightsDigest;
    }

    /// <summary>Buffers the small writes of the encoding (one hash call per 8 KB, not per number); initializer data goes to the hash directly.</summary>
    private sealed class Writer(IncrementalHash hash) : IDisposable
    {
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 13);
        private int _used;

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

        public void Tag(char tag) => Span(1)[0] = (byte)tag;

        public void Int(long value) => BinaryPrimitives.WriteInt64LittleEndian(Span(8), value);

        public void Text(string? text)
        {
            var value = text ?? "";
            int length = Encoding.UTF8.GetByteCount(value);
            Int(length);
            if (length <= 1024) Encoding.UTF8.GetBytes(value, Span(length));
            else Raw(Encoding.UTF8.GetBytes(value));
        }

        public void Texts(RepeatedField<string> texts)
        {
            Int(texts.Count);
            foreach (var text in texts) Text(text);
        }

        /// <summary>Length, then the bytes.</summary>
        public void Block(ReadOnlySpan<byte> bytes)
        {
            Int(bytes.Length);
            Raw(bytes);
        }

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length <= _buffer.Length - _used)
            {
                bytes.CopyTo(_buffer.AsSpan(_used));
                _used += bytes.Length;
                return;
            }
            Flush();
            hash.AppendData(bytes);
        }

        public void Tensor(TensorProto t)
        {
            Text(t.Name);
            Int(t.DataType);
            Int(t.Dims.Count);
            foreach (var d in t.Dims) Int(d);
            Int((int)t.DataLocation);
            Tag(t.HasRawData ? 'r' : '-');
            if (t.HasRawData) Block(t.RawData.Span);
            Int(t.FloatData.Count);
            foreach (var v in t.FloatData) BinaryPrimitives.WriteSingleLittleEndian(Span(4), v);
            Int(t.Int32Data.Count);
            foreach (var v in t.Int32Data) BinaryPrimitives.WriteInt32LittleEndian(Span(4), v);
            Int(t.Int64Data.Count);
            foreach (var v in t.Int64Data) Int(v);
            Int(t.DoubleData.Count);
            foreach (var v in t.DoubleData) BinaryPrimitives.WriteDoubleLittleEndian(Span(8), v);
            Int(t.Uint64Data.Count);
            foreach (var v in t.Uint64Data) BinaryPrimitives.WriteUInt64LittleEndian(Span(8), v);
            Int(t.StringData.Count);
            foreach (var s in t.StringData) Block(s.Span);
            Int(t.ExternalData.Count);
            foreach (var e in t.ExternalData)
            {
                Text(e.Key);
                Text(e.Value);
            }
        }

        public void Flush()
        {
            if (_used == 0) return;
            hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }

        private Span<byte> Span(int length)
        {
            if (_buffer.Length - _used < length) Flush();
            var span = _buffer.AsSpan(_used, length);
            _used += length;
            return span;
        }
    }
}
