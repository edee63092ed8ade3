using System.Buffers.Binary;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Data;

[TestClass]
public sealed class IdxReaderTests
{
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ReadsImagesAndLabelsScaledToUnitInterval(bool gzip)
    {
        var folder = IdxFiles.MnistFolder(5, 2, gzip: gzip);
        var (train, test) = MnistFamilyFolder.Load(folder);
        Assert.AreEqual(5, train.Rows);
        Assert.AreEqual(12, train.FeatureCount);
        CollectionAssert.AreEqual(new[] { 1, 4, 3 }, train.ImageShape);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, train.Labels);
        Assert.AreEqual(13 / 255f, train.Row(1)[1], 1e-7);
        Assert.AreEqual(1f, test.Row(0)[0]);
        CollectionAssert.AreEqual(new[] { 0, 1 }, test.Labels);
    }

    [TestMethod]
    public void TransposeOptionPutsEmnistImagesUpright()
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("emnist"), "x.idx");
        File.WriteAllBytes(path, IdxFiles.Bytes(8, [1, 2, 2], [0, 51, 102, 153]));
        var (pixels, _, _, _) = IdxReader.ReadImages(path, transpose: true);
        CollectionAssert.AreEqual(new[] { 0f, 0.4f, 0.2f, 0.6f }, pixels.Select(p => MathF.Round(p, 3)).ToArray());
    }

    private static string WriteBad(string name, byte[] bytes)
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("idxbad"), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertRejected(string path, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(path, e.FilePath);
    }

    [TestMethod]
    public void CorruptFilesAreRejectedWithTheFileAndTheProblemNamed()
    {
        var good = IdxFiles.Bytes(8, [3, 4, 4], new byte[48]);
        AssertRejected(WriteBad("empty", []), "empty file");
        AssertRejected(WriteBad("magic", [0x12, 0x34, 8, 3, .. good[4..]]), "wrong magic number");
        AssertRejected(WriteBad("type", [0, 0, 0x0D, 3, .. good[4..]]), "element type 0x0D");
        AssertRejected(WriteBad("rank", [0, 0, 8, 9, .. good[4..]]), "9 dimensions");
        AssertRejected(WriteBad("short-magic", good[..3]), "truncated");
        AssertRejected(WriteBad("short-header", good[..9]), "truncated inside the header");
        AssertRejected(WriteBad("short-data", good[..40]), "need 64 bytes but the file holds 40");
        AssertRejected(WriteBad("long-data", [.. good, 1, 2]), "need 64 bytes but the file holds 66");
        AssertRejected(WriteBad("zero-dim", IdxFiles.Bytes(8, [0, 4, 4], [])), "dimension 0 is 0");
    }

    [TestMethod]
    public void HugeDeclaredDimensionsFailBeforeAllocating()
    {
        var huge = IdxFiles.Bytes(8, [int.MaxValue, 60000, 60000], new byte[16]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.AreEqual(2147483591L, IdxReader.MaxPayloadBytes, "Array.MaxLength, the largest byte[] .NET allocates");
        AssertRejected(WriteBad("huge", huge), "more than 2147483591 values");
        AssertRejected(WriteBad("huge.gz", IdxFiles.Gzip(huge)), "more than 2147483591 values");
        var mismatch = IdxFiles.Bytes(8, [100000, 28, 28], new byte[16]);
        AssertRejected(WriteBad("mismatch.gz", IdxFiles.Gzip(mismatch)), "uncompressed");
        Assert.IsTrue(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000, "no allocation sized from the header");
    }

    [TestMethod]
    public void ForgedGzipTrailerCannotMakeTheReaderAllocateTheClaimedSize()
    {
        // 2,000 x 1,000 x 1,000 images need 2,000,000,016 bytes; the trailer is forged to claim exactly that, but the deflate
        // stream holds only the 16-byte header and 8 pixels.
        var forged = IdxFiles.Gzip(IdxFiles.Bytes(8, [2000, 1000, 1000], new byte[8]));
        BinaryPrimitives.WriteUInt32LittleEndian(forged.AsSpan(forged.Length - 4), 2_000_000_016u);
        Assert.IsTrue(forged.Length < 48, $"{forged.Length} bytes");
        var path = WriteBad("forged-idx3-ubyte.gz", forged);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "need 2000000016 bytes uncompressed (the gzip trailer claims 2000000016)");
        StringAssert.Contains(e.Message, $"{forged.Length} compressed bytes hold at most {forged.Length * 1032}");
        Assert.IsTrue(allocated < 1_000_000, $"allocated {allocated:N0} bytes for a {forged.Length}-byte file");

        // Within deflate's bound but still a lie: 20 x 28 x 28 = 15,696 declared bytes from a file of about 30 bytes whose
        // data stops after 8 pixels; the gzip reader finds the trailer's lie when the stream ends.
        var shortOne = IdxFiles.Gzip(IdxFiles.Bytes(8, [20, 28, 28], new byte[8]));
        BinaryPrimitives.WriteUInt32LittleEndian(shortOne.AsSpan(shortOne.Length - 4), 16u + 20 * 28 * 28);
        Assert.IsTrue(shortOne.Length * 1032L > 16 + 20 * 28 * 28, $"{shortOne.Length} bytes");
        before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(WriteBad("short-idx3-ubyte.gz", shortOne), "the gzip stream is corrupt");
        Assert.IsTrue(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [TestMethod]
    public void LargeGzipPayloadsAreReadAcrossGrowingBlocks()
    {
        // 3 MiB of pixels: read in blocks of 1, 2 and then 3 MiB (capped at the declared size) and returned whole.
        int n = 3 * 1024, h = 32, w = 32;
        var pixels = Enumerable.Range(0, n * h * w).Select(i => (byte)(i * 7 % 251)).ToArray();
        var path = Path.Combine(RepoPaths.NewTempFolder("idxbig"), "big-idx3-ubyte.gz");
        File.WriteAllBytes(path, IdxFiles.Gzip(IdxFiles.Bytes(8, [n, h, w], pixels)));
        var idx = IdxReader.Read(path);
        CollectionAssert.AreEqual(new[] { n, h, w }, idx.Dimensions);
        Assert.AreEqual(pixels.Length, idx.Values.Length);
        Assert.IsTrue(pixels.AsSpan().SequenceEqual(idx.Values));
    }

    [TestMethod]
    public void GzipFilesAreCheckedToo()
    {
        var good = IdxFiles.Bytes(8, [3, 4, 4], new byte[48]);
        var gz = IdxFiles.Gzip(good);
        AssertRejected(WriteBad("cut.gz", gz[..(gz.Length - 9)]), "");
        var garbled = gz.ToArray();
        for (int i = 12; i < garbled.Length - 8; i++) garbled[i] ^= 0x5A;
        AssertRejected(WriteBad("garbled.gz", garbled), "");
        AssertRejected(WriteBad("tiny.gz", [0x1f, 0x8b, 8]), "truncated gzip");
    }

    [TestMethod]
    public void MissingFilesAndMismatchedLabelsAreNamed()
    {
        var missing = Path.Combine(RepoPaths.NewTempFolder("idxmissing"), "absent");
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(missing));
        StringAssert.Contains(e.Message, missing);

        var folder = IdxFiles.MnistFolder(5, 2);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var notFound = Assert.Throws<FileNotFoundException>(() => MnistFamilyFolder.Load(folder));
        StringAssert.Contains(notFound.Message, "t10k-labels-idx1-ubyte");

        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxFiles.Bytes(8, [3], [1, 2, 3]));
        var mismatch = Assert.Throws<DataFormatException>(() => MnistFamilyFolder.Load(folder));
        StringAssert.Contains(mismatch.Message, "3 labels for the 2 images");
    }

    [TestMethod]
    public void ReadsTheRealFashionMnist()
    {
        var (train, test) = MnistFamilyFolder.Load(MnistFamilyFolder.DefaultFashionMnistFolder);
        Assert.AreEqual(60000, train.Rows);
        Assert.AreEqual(10000, test.Rows);
        Assert.AreEqual(784, train.FeatureCount);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).ToArray(), train.Labels!.Distinct().ToArray());
        Assert.AreEqual(0f, train.Features.Min());
        Assert.AreEqual(1f, train.Features.Max());
        // Each class has 6,000 training images in Fashion-MNIST.
        Assert.IsTrue(train.Labels!.GroupBy(l => l).All(g => g.Count() == 6000));
    }
}
