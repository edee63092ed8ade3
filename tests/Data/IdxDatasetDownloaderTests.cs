using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Data;

/// <summary>The downloader against files the test serves itself: a loopback HTTP server and file:// URLs.</summary>
[TestClass]
public sealed class IdxDatasetDownloaderTests
{
    private static (string Source, IdxDatasetDownloader Downloader) SmallDataSet()
    {
        var source = IdxFiles.MnistFolder(6, 3);
        var md5 = Directory.GetFiles(source).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(f))));
        return (source, new IdxDatasetDownloader("tiny", "http://unused.invalid/", md5));
    }

    [TestMethod]
    public async Task DownloadsOverHttpFromALoopbackServerAndLoadsTheResult()
    {
        var (source, downloader) = SmallDataSet();
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/data/");
        listener.Start();
        int requests = 0;
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                Interlocked.Increment(ref requests);
                var file = Path.Combine(source, Path.GetFileName(context.Request.Url!.AbsolutePath));
                if (File.Exists(file)) { var bytes = File.ReadAllBytes(file); await context.Response.OutputStream.WriteAsync(bytes); }
                else context.Response.StatusCode = 404;
                context.Response.Close();
            }
        });
        var cache = RepoPaths.NewTempFolder("cache");
        var folder = await downloader.WithBaseUrl($"http://127.0.0.1:{port}/data/").DownloadAsync(cache);
        Assert.AreEqual(4, requests);
        var (train, test) = MnistFamilyFolder.Load(folder);
        Assert.AreEqual(6, train.Rows);
        Assert.AreEqual(3, test.Rows);

        // A second call finds the verified files and downloads nothing.
        await downloader.WithBaseUrl($"http://127.0.0.1:{port}/data/").DownloadAsync(cache);
        Assert.AreEqual(4, requests);

        var missing = new IdxDatasetDownloader("tiny", $"http://127.0.0.1:{port}/nothing/", new Dictionary<string, string> { ["x.gz"] = "00" });
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => missing.DownloadAsync(RepoPaths.NewTempFolder("cache404")));
        StringAssert.Contains(e.Message, "HTTP 404");
        listener.Stop();
        await serving;
    }

    [TestMethod]
    public async Task DownloadsFromFileUrlsAndRejectsWrongChecksumsWithoutLeavingFiles()
    {
        var (source, downloader) = SmallDataSet();
        var cache = RepoPaths.NewTempFolder("cachefile");
        var folder = await downloader.WithBaseUrl(new Uri(source + "/").AbsoluteUri).DownloadAsync(cache);
        Assert.AreEqual(4, Directory.GetFiles(folder).Length);

        var tampered = RepoPaths.NewTempFolder("tampered");
        foreach (var f in Directory.GetFiles(source)) File.Copy(f, Path.Combine(tampered, Path.GetFileName(f)));
        var victim = Path.Combine(tampered, "t10k-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(victim);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);
        var emptyCache = RepoPaths.NewTempFolder("cachebad");
        var e = await Assert.ThrowsAsync<DataFormatException>(() => downloader.WithBaseUrl(new Uri(tampered + "/").AbsoluteUri).DownloadAsync(emptyCache));
        StringAssert.Contains(e.Message, "t10k-labels-idx1-ubyte.gz");
        StringAssert.Contains(e.Message, "MD5");
        Assert.IsFalse(File.Exists(Path.Combine(emptyCache, "t10k-labels-idx1-ubyte.gz")), "the bad file is not kept");
        Assert.AreEqual(0, Directory.GetFiles(emptyCache, "*.part").Length + Directory.GetFiles(emptyCache, ".*").Length, "no partial files");
    }

    [TestMethod]
    public void PublishedChecksumsCoverTheFourFiles()
    {
        foreach (var d in new[] { IdxDatasetDownloader.FashionMnist, IdxDatasetDownloader.Mnist })
        {
            CollectionAssert.AreEquivalent(MnistFamilyFolder.FileNames.Select(n => n + ".gz").ToArray(), d.Md5ByFile.Keys.ToArray());
            Assert.IsTrue(d.Md5ByFile.Values.All(v => v.Length == 32));
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
