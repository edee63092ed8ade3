using System.Xml.Linq;

namespace VaeOnnx.Tests.Packaging;

/// <summary>
/// The packages of this checkout, made once per test run by the README's pack command (<c>dotnet pack -c Release -o DIR</c>
/// at the root) into a temporary folder, and a NuGet configuration for apps that consume them: the VaeOnnx packages come
/// from that folder only (package source mapping), everything else from this machine's package cache (a fallback folder,
/// so nothing is downloaded that the repository's own restore already has) and its usual mirror. The consumers' global
/// packages folder is temporary too, so a stale VaeOnnx package of the same version can never be picked up from a cache.
/// </summary>
internal sealed class LocalFeed
{
    private static readonly Lazy<LocalFeed> Packed = new(Pack);

    private LocalFeed(string root, string packages, string version, ProcessRun pack)
    {
        Root = root;
        Packages = packages;
        Version = version;
        PackRun = pack;
    }

    /// <summary>The feed of this test run (packed on first use).</summary>
    public static LocalFeed Instance => Packed.Value;

    /// <summary>A temporary folder holding the feed, the consumers' configuration and their packages folder.</summary>
    public string Root { get; }

    /// <summary>What <c>dotnet pack -o</c> wrote.</summary>
    public string Packages { get; }

    /// <summary>The version every package carries (VersionPrefix in Directory.Build.props).</summary>
    public string Version { get; }

    /// <summary>The pack command as it ran.</summary>
    public ProcessRun PackRun { get; }

    /// <summary>The configuration consumers restore with (folders under <see cref="Root"/> use it by being below it).</summary>
    public string ConfigFile => Path.Combine(Root, "nuget.config");

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The version set once for the solution.</summary>
    public static string SolutionVersion() =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    /// <summary>
    /// Deletes the feed's folder if this run made one: with the consumer apps (LibTorch copied into the training app) and
    /// the installed tool it holds about 3 GB.
    /// </summary>
    public static void DeleteIfPacked()
    {
        if (Packed.IsValueCreated && Directory.Exists(Packed.Value.Root)) Directory.Delete(Packed.Value.Root, recursive: true);
    }

    /// <summary>The path of a package in the feed.</summary>
    public string Package(string id, string extension = "nupkg") => Path.Combine(Packages, $"{id}.{Version}.{extension}");

    private static LocalFeed Pack()
    {
        var root = RepoPaths.NewTempFolder("feed");
        var packages = Path.Combine(root, "packages");
        var pack = ProcessRun.Dotnet(RepoPaths.Root, TimeSpan.FromMinutes(8), "pack", "VaeOnnx.sln", "-c", Configuration, "-o", packages, "-nologo", "-nodeReuse:false").Succeeded();
        var feed = new LocalFeed(root, packages, SolutionVersion(), pack);
        feed.WriteConsumerConfig();
        return feed;
    }

    private void WriteConsumerConfig()
    {
        // Asked before our file exists, so these are the machine's own settings.
        var sources = ProcessRun.Dotnet(Root, TimeSpan.FromMinutes(1), "nuget", "list", "source", "--format", "short").Succeeded().Output
            .Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("E ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToArray();
        var cache = ProcessRun.Dotnet(Root, TimeSpan.FromMinutes(1), "nuget", "locals", "global-packages", "--list").Succeeded().Output
            .Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("global-packages:", StringComparison.Ordinal))["global-packages:".Length..].Trim();
        var mirrors = sources.Select((url, i) => (Key: $"machine-{i + 1}", Url: url)).ToArray();
        static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));
        static XElement Mapping(string key, string pattern) => new("packageSource", new XAttribute("key", key), new XElement("package", new XAttribute("pattern", pattern)));
        new XDocument(new XElement("configuration",
            new XElement("config", Add("globalPackagesFolder", Path.Combine(Root, "global-packages"))),
            new XElement("packageSources", new XElement("clear"), Add("vaeonnx-local", Packages), mirrors.Select(m => Add(m.Key, m.Url))),
            new XElement("fallbackPackageFolders", new XElement("clear"), Add("machine-cache", cache)),
            new XElement("packageSourceMapping", new XElement("clear"), Mapping("vaeonnx-local", "VaeOnnx.*"), mirrors.Select(m => Mapping(m.Key, "*")))))
            .Save(ConfigFile);
    }
}
