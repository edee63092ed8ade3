using System.Text;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>
/// The layout of a weights file written by TorchSharp's <c>Module.save</c>: a LEB128 entry count, then per entry a
/// length-prefixed UTF-8 name, the LEB128 element type, rank and dimensions, and the raw element bytes.
/// TorchSharp's loader trusts the lengths it reads (a damaged name length alone makes it allocate gigabytes), so a file is
/// compared with the bytes the target model itself saves: everything but the element data must be identical.
/// </summary>
internal sealed class WeightsFileLayout
{
    private readonly byte[] _reference;
    private readonly List<(string Name, long HeaderStart, long DataStart, long DataLength)> _entries = [];

    /// <summary>Parses <paramref name="reference"/>, the bytes the model to be loaded saves (trusted: written by us).</summary>
    public WeightsFileLayout(byte[] reference)
    {
        _reference = reference;
        long position = 0;
        long count = ReadLeb128(ref position);
        for (long i = 0; i < count; i++)
        {
            long start = position;
            long nameLength = ReadLeb128(ref position);
            var name = Encoding.UTF8.GetString(_reference, checked((int)position), checked((int)nameLength));
            position += nameLength;
            long type = ReadLeb128(ref position);
            long rank = ReadLeb128(ref position);
            long elements = 1;
            for (long d = 0; d < rank; d++) elements *= ReadLeb128(ref position);
            long length = elements * ElementSize(type);
            _entries.Add((name, start, position, length));
            position += length;
        }
        // A change in TorchSharp's format must not pass as "every file is damaged": it is a bug of this reader.
        if (position != _reference.LongLength)
            throw new InvalidOperationException($"TorchSharp's weights layout is not the one expected: parsed {position} of {_reference.LongLength} bytes");
    }

    /// <summary>Bytes of a file of this layout.</summary>
    public long Length => _reference.LongLength;

    /// <summary>Names of the entries, in file order.</summary>
    public IEnumerable<string> Names => _entries.Select(e => e.Name);

    /// <summary>
    /// Throws <see cref="CheckpointFormatException"/> naming <paramref name="path"/> and the first entry whose name, type or
    /// shape differs from this layout's; the element data may be anything.
    /// </summary>
    public void CheckSameStructure(string path, ReadOnlySpan<byte> candidate, string expectedWhat)
    {
        if (candidate.Length != _reference.LongLength)
            throw new CheckpointFormatException(path, $"{candidate.Length:N0} bytes, but {expectedWhat} saves {_reference.LongLength:N0}: the file is damaged or belongs to another architecture");
        long header = 0;
        foreach (var entry in _entries)
        {
            // The bytes from the end of the previous entry's data to the start of this one's: its name, type and shape
            // (and, before the first entry, the entry count).
            int from = checked((int)header), length = checked((int)(entry.DataStart - header));
            int same = candidate.Slice(from, length).CommonPrefixLength(_reference.AsSpan(from, length));
            if (same < length)
                throw new CheckpointFormatException(path, $"byte {from + same:N0}, in the header of tensor '{entry.Name}', differs from {expectedWhat}: expected the same tensor names, types and shapes; the file is damaged or belongs to another architecture");
            header = entry.DataStart + entry.DataLength;
        }
    }

    private long ReadLeb128(ref long position)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = _reference[position++];
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    private static long ElementSize(long scalarType) => scalarType switch
    {
        0 or 1 or 11 => 1,     // uint8, int8, bool
        2 or 5 or 15 => 2,     // int16, float16, bfloat16
        3 or 6 => 4,           // int32, float32
        4 or 7 or 9 => 8,      // int64, float64, complex64
        10 => 16,              // complex128
        _ => throw new InvalidOperationException($"TorchSharp element type {scalarType} in a weights file this reader does not know"),
    };
}
