using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeOnnx.Tests.Data;

/// <summary>Writes small IDX files (raw or gzipped) for reader tests.</summary>
internal static class IdxFiles
{
    public static byte[] Bytes(byte type, int[] dims, byte[] values)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = type;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), (uint)dims[i]);
        return [.. header, .. values];
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return buffer.ToArray();
    }

    /// <summary>A folder with train (n images) and t10k (m images) files of h x w pixels whose values encode their position.</summary>
    public static string MnistFolder(int n, int m, int h = 4, int w = 3, bool gzip = true)
    {
        var folder = RepoPaths.NewTempFolder("idx");
        void Write(string name, byte[] raw) => File.WriteAllBytes(Path.Combine(folder, name + (gzip ? ".gz" : "")), gzip ? Gzip(raw) : raw);
        Write("train-images-idx3-ubyte", Bytes(8, [n, h, w], Enumerable.Range(0, n * h * w).Select(i => (byte)(i % 256)).ToArray()));
        Write("train-labels-idx1-ubyte", Bytes(8, [n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray()));
        Write("t10k-images-idx3-ubyte", Bytes(8, [m, h, w], Enumerable.Range(0, m * h * w).Select(i => (byte)(255 - i % 256)).ToArray()));
        Write("t10k-labels-idx1-ubyte", Bytes(8, [m], Enumerable.Range(0, m).Select(i => (byte)(i % 3)).ToArray()));
        return folder;
    }
}
