using VaeOnnx.Contract;
using System.Security.Cryptography;

namespace VaeOnnx.Training.Data;

/// <summary>
/// Downloads the four canonical files of an MNIST-family data set into a cache folder, for users with internet access.
/// Each file is streamed to a temporary name, checked against the published MD5 (the checksum torchvision and the
/// data sets' own pages publish) and renamed into place, so the cache never holds a partial or altered file.
/// Files already in the cache with the right checksum are not downloaded again.
/// </summary>
public sealed class IdxDatasetDownloader
{
    /// <summary>Fashion-MNIST (Zalando Research, MIT licence).</summary>
    public static readonly IdxDatasetDownloader FashionMnist = new("fashion-mnist", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            ["train-labels-idx1-ubyte.gz"] = "25c81989df183df01b3e8a0aad5dffbe",
            ["t10k-images-idx3-ubyte.gz"] = "bef4ecab320f06d8554ea6380940ec79",
            ["t10k-labels-idx1-ubyte.gz"] = "bb300cfdad3c16e7a12a480ee83cd310",
        });

    /// <summary>MNIST, from the mirror torchvision uses.</summary>
    public static readonly IdxDatasetDownloader Mnist = new("mnist", "https://ossci-datasets.s3.amazonaws.com/mnist/",
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte.gz"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte.gz"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte.gz"] = "ec29112dd5afa0611ce80d1b7f02629c",
        });

    /// <summary>Creates a downloader for a data set published as four .gz files under one base URL.</summary>
    /// <param name="name">Data set name, the cache sub-folder.</param>
    /// <param name="baseUrl">http(s) or file URL of the folder holding the files, ending with '/'.</param>
    /// <param name="md5ByFile">Expected MD5 (hex) per file name.</param>
    public IdxDatasetDownloader(string name, string baseUrl, IReadOnlyDictionary<string, string> md5ByFile)
    {
        Name = name;
        BaseUrl = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";
        Md5ByFile = md5ByFile;
    }

    /// <summary>Data set name.</summary>
    public string Name { get; }

    /// <summary>Where the files are fetched from.</summary>
    public string BaseUrl { get; }

    /// <summary>Expected MD5 per file.</summary>
    public IReadOnlyDictionary<string, string> Md5ByFile { get; }

    /// <summary>The default cache: ~/.cache/vaeonnx/NAME (XDG_CACHE_HOME honoured).</summary>
    public string DefaultCacheFolder
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root)) root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "vaeonnx", Name);
        }
    }

    /// <summary>The same files from another base URL (a mirror, a file:// folder, a local server).</summary>
    public IdxDatasetDownloader WithBaseUrl(string baseUrl) => new(Name, baseUrl, Md5ByFile);

    /// <summary>Makes sure every file is in <paramref name="cacheFolder"/> (default <see cref="DefaultCacheFolder"/>) and returns the folder.</summary>
    public async Task<string> DownloadAsync(string? cacheFolder = null, HttpClient? client = null, CancellationToken cancellation = default)
    {
        var folder = cacheFolder ?? DefaultCacheFolder;
        Directory.CreateDirectory(folder);
        using var ownClient = client is null ? new HttpClient { Timeout = TimeSpan.FromMinutes(10) } : null;
        var http = client ?? ownClient!;
        foreach (var (file, md5) in Md5ByFile)
        {
            var target = Path.Combine(folder, file);
            if (File.Exists(target) && Md5Of(target) == md5) continue;
            var url = new Uri(new Uri(BaseUrl), file);
            var temp = Path.Combine(folder, $".{file}.{Guid.NewGuid():N}.part");
            try
            {
                await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    if (url.IsFile)
                    {
                        if (!File.Exists(url.LocalPath)) throw new FileNotFoundException($"{url}: file not found", url.LocalPath);
                        await using var input = File.OpenRead(url.LocalPath);
                        await input.CopyToAsync(output, cancellation);
                    }
                    else
                    {
                        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation);
                        if (!response.IsSuccessStatusCode)
                            throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}; expected the data file");
                        await using var input = await response.Content.ReadAsStreamAsync(cancellation);
                        await input.CopyToAsync(output, cancellation);
                    }
                    await output.FlushAsync(cancellation);
                }
                var actual = Md5Of(temp);
                if (actual != md5)
                    throw new DataFormatException(url.ToString(), $"MD5 is {actual}; expected {md5} (a corrupt or different file; nothing was written to {folder})");
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        return folder;
    }

    private static string Md5Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }
}
