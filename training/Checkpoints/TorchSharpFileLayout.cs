using System.Text;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>
/// Where the numbers are in a file TorchSharp saved, and which bytes are structure. TorchSharp's loaders trust the lengths
/// they read (a damaged name length alone makes them allocate gigabytes; a damaged shape in optimizer state crashes the
/// process), so a file is compared with the bytes the object it is loaded into saves itself: everything but the numbers
/// must be identical. The reference is parsed strictly and must be consumed exactly: a change of TorchSharp's format is a
/// bug here, not a damaged file.
/// </summary>
internal sealed class TorchSharpFileLayout
{
    private readonly byte[] _reference;
    private readonly List<(string Name, long DataStart, long DataLength)> _entries = [];
    private long _position;

    private TorchSharpFileLayout(byte[] reference) => _reference = reference;

    /// <summary>
    /// A module's weights (<c>Module.save</c>): a LEB128 entry count, then per entry a length-prefixed UTF-8 name and a
    /// tensor (LEB128 element type, rank and dimensions, then the raw elements).
    /// </summary>
    public static TorchSharpFileLayout ForModule(byte[] reference)
    {
        var layout = new TorchSharpFileLayout(reference);
        long count = layout.ReadLeb128();
        for (long i = 0; i < count; i++)
        {
            var name = layout.ReadString();
            layout.Tensor($"tensor '{name}'");
        }
        return layout.Finish();
    }

    /// <summary>
    /// Adam's state (<c>save_state_dict</c>): the optimizer's name, LEB128 counts of parameter groups and of states, each
    /// group's options (lr, initial lr, beta1, beta2, eps, weight decay as doubles; amsgrad and maximize as bools), then
    /// per parameter its step count (int64), the exp_avg and exp_avg_sq tensors, and a bool saying whether a
    /// max_exp_avg_sq tensor (amsgrad) follows. The options are structure here: the
    /// optimizer they are loaded into is built from the checkpoint's own training options.
    /// </summary>
    public static TorchSharpFileLayout ForAdam(byte[] reference)
    {
        var layout = new TorchSharpFileLayout(reference);
        // TorchSharp writes the optimizer's class name first; the flat and fused Adams (subclasses) keep Adam's layout after it.
        if (layout.ReadString() is not ("Adam" or nameof(Optim.FlatAdam) or nameof(Optim.FusedAdam))) throw new InvalidOperationException("TorchSharp's optimizer state does not start with \"Adam\"");
        long groups = layout.ReadLeb128(), states = layout.ReadLeb128();
        layout._position += groups * (6 * sizeof(double) + 2);
        for (long i = 0; i < states; i++)
        {
            layout._entries.Add(($"the step count of parameter {i + 1}", layout._position, sizeof(long)));
            layout._position += sizeof(long);
            layout.Tensor($"exp_avg of parameter {i + 1}");
            layout.Tensor($"exp_avg_sq of parameter {i + 1}");
            if (reference[layout._position++] != 0) layout.Tensor($"max_exp_avg_sq of parameter {i + 1}");
        }
        return layout.Finish();
    }

    private void Tensor(string name)
    {
        long type = ReadLeb128();
        long rank = ReadLeb128();
        long elements = 1;
        for (long d = 0; d < rank; d++) elements *= ReadLeb128();
        long length = elements * ElementSize(type);
        _entries.Add((name, _position, length));
        _position += length;
    }

    private TorchSharpFileLayout Finish()
    {
        if (_position != _reference.LongLength)
            throw new InvalidOperationException($"TorchSharp's file layout is not the one expected: parsed {_position} of {_reference.LongLength} bytes");
        return this;
    }

    private string ReadString()
    {
        long length = ReadLeb128();
        var text = Encoding.UTF8.GetString(_reference, checked((int)_position), checked((int)length));
        _position += length;
        return text;
    }

    /// <summary>Bytes of a file of this layout.</summary>
    public long Length => _reference.LongLength;

    /// <summary>
    /// Throws <see cref="CheckpointFormatException"/> naming <paramref name="path"/> and the first entry whose structure
    /// (name, type, shape, options) differs from this layout's; the numbers may be anything.
    /// </summary>
    public void CheckSameStructure(string path, ReadOnlySpan<byte> candidate, string expectedWhat)
    {
        if (candidate.Length != _reference.LongLength)
            throw new CheckpointFormatException(path, $"{candidate.Length:N0} bytes, but {expectedWhat} saves {_reference.LongLength:N0}: the file is damaged or belongs to another architecture");
        long header = 0;
        foreach (var entry in _entries)
        {
            // The bytes from the end of the previous entry's numbers to the start of this one's: its name, type and shape
            // (and, before the first entry, the counts and options).
            int from = checked((int)header), length = checked((int)(entry.DataStart - header));
            int same = candidate.Slice(from, length).CommonPrefixLength(_reference.AsSpan(from, length));
            if (same < length)
                throw new CheckpointFormatException(path, $"byte {from + same:N0}, in the header of {entry.Name}, differs from {expectedWhat}: expected the same tensor names, types and shapes; the file is damaged or belongs to another architecture");
            header = entry.DataStart + entry.DataLength;
        }
    }

    private long ReadLeb128()
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = _reference[_position++];
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
