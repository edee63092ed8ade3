using VaeOnnx.Contract;
using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeOnnx.Training.Data;

/// <summary>
/// Reads IDX files (the MNIST family: MNIST, Fashion-MNIST, EMNIST), raw or gzipped. Only unsigned-byte data (type 0x08),
/// the type these data sets use, is accepted. Sizes from the header are checked against the file before anything is
/// allocated: the exact length for raw files; for gzipped ones the size trailer, what the compressed length can hold at
/// deflate's largest ratio, and then the stream's actual end. The trailer is only a claim (anyone can write any four bytes
/// there), so a gzipped payload is also read in growing blocks: memory follows the bytes that really decompress.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    /// <summary>The largest payload accepted: the largest .NET byte array.</summary>
    public static long MaxPayloadBytes => Array.MaxLength;

    /// <summary>Deflate's largest expansion: a compressed byte never stands for more than 1032 bytes of output.</summary>
    public const long MaxDeflateRatio = 1032;

    /// <summary>First block of a gzipped payload; later blocks double it up to the declared size.</summary>
    private const int FirstGzipBlock = 1 << 20;

    /// <summary>Reads an IDX file of unsigned bytes.</summary>
    public static IdxFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var file = File.OpenRead(path);
        if (file.Length == 0) throw new DataFormatException(path, "empty file; expected an IDX header (magic 00 00 08 N)");
        bool gzipped = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        long compressedLength = file.Length;
        long expectedLength = gzipped ? GzipDeclaredLength(file, path) : file.Length;
        using Stream stream = gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return ReadIdx(stream, path, expectedLength, gzipped ? compressedLength : null);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"the gzip stream is corrupt ({e.Message}); expected a valid .gz file", e);
        }
    }

    /// <summary>Reads an image file [N, H, W] scaled to [0,1] by 1/255.</summary>
    public static (float[] Pixels, int Count, int Height, int Width) ReadImages(string path, bool transpose = false)
    {
        var idx = Read(path);
        if (idx.Dimensions.Length != 3)
            throw new DataFormatException(path, $"has {idx.Dimensions.Length} dimensions [{string.Join(",", idx.Dimensions)}]; expected 3 (images x height x width)");
        int n = idx.Dimensions[0], h = idx.Dimensions[1], w = idx.Dimensions[2];
        var pixels = new float[idx.Values.Length];
        if (transpose && h != w) throw new DataFormatException(path, $"cannot transpose {h}x{w} images; expected square images");
        int plane = h * w;
        for (int i = 0; i < n; i++)
        {
            int baseIndex = i * plane;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    // EMNIST stores images transposed relative to MNIST; transpose=true puts them upright.
                    int source = transpose ? baseIndex + x * w + y : baseIndex + y * w + x;
                    pixels[baseIndex + y * w + x] = idx.Values[source] / 255f;
                }
        }
        return (pixels, n, h, w);
    }

    /// <summary>Reads a label file [N].</summary>
    public static int[] ReadLabels(string path)
    {
        var idx = Read(path);
        if (idx.Dimensions.Length != 1)
            throw new DataFormatException(path, $"has {idx.Dimensions.Length} dimensions [{string.Join(",", idx.Dimensions)}]; expected 1 (a label per item)");
        return idx.Values.Select(v => (int)v).ToArray();
    }

    private static IdxFile ReadIdx(Stream stream, string path, long expectedLength, long? compressedLength)
    {
        bool gzipped = compressedLength is not null;
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4) throw new DataFormatException(path, "truncated: shorter than the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFormatException(path, $"wrong magic number {Convert.ToHexString(magic)}; expected 0000 followed by the type and the number of dimensions (e.g. 00000803 for images)");
        if (magic[2] != UnsignedByte)
            throw new DataFormatException(path, $"element type 0x{magic[2]:X2}; expected 0x08 (unsigned byte), the type of the MNIST family");
        int rank = magic[3];
        if (rank < 1 || rank > 4) throw new DataFormatException(path, $"{rank} dimensions in the header; expected 1 to 4");
        var header = new byte[4 * rank];
        if (ReadFully(stream, header) < header.Length) throw new DataFormatException(path, $"truncated inside the header; expected {rank} dimension sizes");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 * i));
            if (d == 0 || d > int.MaxValue) throw new DataFormatException(path, $"dimension {i} is {d}; expected 1 to {int.MaxValue}");
            dims[i] = (int)d;
            count *= d;
            if (count > MaxPayloadBytes) throw new DataFormatException(path, $"header declares more than {MaxPayloadBytes} values ([{string.Join(",", header.Chunk(4).Select(c => BinaryPrimitives.ReadUInt32BigEndian(c)))}]); the file is corrupt or not supported");
        }
        long total = 4 + header.Length + count;
        if (compressedLength is long compressed)
        {
            // The trailer holds the length modulo 2^32; compare on that basis.
            if ((total & 0xFFFFFFFFL) != expectedLength)
                throw new DataFormatException(path, $"header dimensions [{string.Join(",", dims)}] need {total} bytes uncompressed but the gzip trailer claims {expectedLength}; expected sizes that match the data");
            long most = compressed * MaxDeflateRatio;
            if (total > most)
                throw new DataFormatException(path, $"header dimensions [{string.Join(",", dims)}] need {total} bytes uncompressed (the gzip trailer claims {expectedLength}), but {compressed} compressed bytes hold at most {most} (deflate's 1032:1 limit); the file is corrupt");
        }
        else if (total != expectedLength)
        {
            throw new DataFormatException(path, $"header dimensions [{string.Join(",", dims)}] need {total} bytes but the file holds {expectedLength}; expected sizes that match the data");
        }
        var values = gzipped ? ReadGrowing(stream, (int)count, path) : ReadExact(stream, (int)count, path);
        if (stream.ReadByte() != -1) throw new DataFormatException(path, $"data continues after the {count} values the header declares; expected the file to end");
        return new IdxFile(path, dims, values);
    }

    private static byte[] ReadExact(Stream stream, int count, string path)
    {
        var values = new byte[count];
        int read = ReadFully(stream, values);
        if (read < count) throw new DataFormatException(path, $"truncated: {read} of {count} values present; expected {count}");
        return values;
    }

    /// <summary>Reads <paramref name="count"/> bytes into a buffer that doubles only as bytes arrive.</summary>
    private static byte[] ReadGrowing(Stream stream, int count, string path)
    {
        var values = new byte[Math.Min(count, FirstGzipBlock)];
        int read = 0;
        while (true)
        {
            read += ReadFully(stream, values.AsSpan(read));
            if (read < values.Length || read == count) break;
            Array.Resize(ref values, (int)Math.Min(count, 2L * values.Length));
        }
        if (read < count) throw new DataFormatException(path, $"truncated: {read} of {count} values present; expected {count}");
        return values;
    }

    private static long GzipDeclaredLength(FileStream file, string path)
    {
        if (file.Length < 18) throw new DataFormatException(path, "truncated gzip file (shorter than a gzip header and trailer)");
        Span<byte> trailer = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(trailer);
        file.Position = 0;
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
