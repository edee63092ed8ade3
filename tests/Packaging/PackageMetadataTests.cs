using System.IO.Compression;
using System.Xml.Linq;

namespace VaeOnnx.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack -c Release -o DIR</c> at the root makes: exactly the product's packages (no tests, benchmarks or
/// services), each with the MIT licence expression, its folder's README packed, the repository URL, the shared and its
/// own tags, the one version, XML docs beside each library, and the dependencies it needs and nothing else.
/// </summary>
[TestClass]
public sealed class PackageMetadataTests
{
    private static readonly string[] Libraries = ["VaeOnnx.Contract", "VaeOnnx.Tables", "VaeOnnx.Sources", "VaeOnnx.Training", "VaeOnnx.Export", "VaeOnnx.Inference", "VaeOnnx.Inference.Gpu", "VaeOnnx.Trainers"];

    /// <summary>Project folder of each package (whose README.md it carries).</summary>
    private static readonly Dictionary<string, string> Folders = new()
    {
        ["VaeOnnx.Contract"] = "contract", ["VaeOnnx.Tables"] = "tables", ["VaeOnnx.Sources"] = "sources", ["VaeOnnx.Training"] = "training", ["VaeOnnx.Export"] = "export", ["VaeOnnx.Inference"] = "inference",
        ["VaeOnnx.Inference.Gpu"] = "inference-gpu", ["VaeOnnx.Trainers"] = "trainers", ["VaeOnnx.Cli"] = "cli", ["VaeOnnx.Cli.linux-x64"] = "cli",
    };

    /// <summary>
    /// Dependencies by package. Besides each project's own references, NuGet writes the versions pinned centrally for
    /// transitive packages (CentralPackageTransitivePinningEnabled), so an app gets the versions this solution tested:
    /// Google.Protobuf (through the contract), ONNX Runtime's managed API, and SkiaSharp, which TorchSharp asks for at 2.88.
    /// </summary>
    private static readonly Dictionary<string, string[]> Dependencies = new()
    {
        ["VaeOnnx.Contract"] = ["Google.Protobuf 3.36.2"],
        ["VaeOnnx.Tables"] = ["VaeOnnx.Contract {v}", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Sources"] = ["VaeOnnx.Contract {v}", "VaeOnnx.Tables {v}", "Parquet.Net 6.1.0", "Microsoft.Data.Sqlite 11.0.0", "Npgsql 10.0.3", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Inference"] = ["VaeOnnx.Contract {v}", "VaeOnnx.Tables {v}", "Microsoft.ML 5.0.1", "Microsoft.ML.OnnxTransformer 5.0.1", "Microsoft.ML.OnnxRuntime 1.31.1",
            "Microsoft.ML.OnnxRuntime.Managed 1.31.1", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Inference.Gpu"] = ["VaeOnnx.Contract {v}", "VaeOnnx.Tables {v}", "Microsoft.ML 5.0.1", "Microsoft.ML.OnnxTransformer 5.0.1", "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0",
            "Microsoft.ML.OnnxRuntime.Managed 1.31.0", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Training"] = ["VaeOnnx.Contract {v}", "VaeOnnx.Tables {v}", "VaeOnnx.Sources {v}", "Parquet.Net 6.1.0", "Microsoft.Data.Sqlite 11.0.0", "Npgsql 10.0.3", "TorchSharp-cpu 0.107.0", "TorchSharp 0.107.0", "SkiaSharp 4.155.0", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Export"] = ["VaeOnnx.Contract {v}", "VaeOnnx.Training {v}", "VaeOnnx.Tables {v}", "Parquet.Net 6.1.0", "Microsoft.Data.Sqlite 11.0.0", "Npgsql 10.0.3", "Microsoft.ML.OnnxRuntime 1.31.1", "Microsoft.ML.OnnxRuntime.Managed 1.31.1",
            "TorchSharp-cpu 0.107.0", "TorchSharp 0.107.0", "SkiaSharp 4.155.0", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Trainers"] = ["VaeOnnx.Training {v}", "VaeOnnx.Export {v}", "VaeOnnx.Inference {v}", "Parquet.Net 6.1.0", "Microsoft.Data.Sqlite 11.0.0", "Npgsql 10.0.3", "Microsoft.ML 5.0.1", "Microsoft.ML.OnnxTransformer 5.0.1",
            "Microsoft.ML.OnnxRuntime 1.31.1", "Microsoft.ML.OnnxRuntime.Managed 1.31.1", "TorchSharp-cpu 0.107.0", "TorchSharp 0.107.0", "SkiaSharp 4.155.0", "Google.Protobuf 3.36.2"],
        ["VaeOnnx.Cli"] = [],
        ["VaeOnnx.Cli.linux-x64"] = [],
    };

    private static LocalFeed Feed => LocalFeed.Instance;

    private static XElement Metadata(string id)
    {
        using var zip = ZipFile.OpenRead(Feed.Package(id));
        using var stream = zip.GetEntry(id + ".nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Field(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string[] Entries(string id)
    {
        using var zip = ZipFile.OpenRead(Feed.Package(id));
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    [TestMethod]
    public void PackMakesExactlyTheProductPackagesAtTheOneVersion()
    {
        var files = Directory.GetFiles(Feed.Packages).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var expected = Folders.Keys.Select(id => $"{id}.{Feed.Version}.nupkg").Concat(Libraries.Select(id => $"{id}.{Feed.Version}.snupkg"));
        CollectionAssert.AreEquivalent(expected.ToArray(), files, string.Join(", ", files));
        foreach (var id in Folders.Keys) Assert.AreEqual(Feed.Version, Field(Metadata(id), "version"), id);
        // The version is set once: no project file sets one of its own.
        foreach (var project in Directory.GetFiles(RepoPaths.Root, "*.csproj", SearchOption.AllDirectories).Where(p => !p.Contains($"{Path.DirectorySeparatorChar}Apps{Path.DirectorySeparatorChar}")))
        {
            var properties = XDocument.Load(project).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup").Select(e => e.Name.LocalName);
            Assert.IsFalse(properties.Any(p => p is "Version" or "VersionPrefix" or "VersionSuffix" or "PackageVersion"), project);
        }
    }

    [TestMethod]
    public void EveryPackageHasLicenceReadmeRepositoryTagsAndDescription()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var repository = props.Descendants("RepositoryUrl").Single().Value;
        var sharedTags = props.Descendants("VaeOnnxPackageTags").Single().Value.Split(';');
        foreach (var (id, folder) in Folders)
        {
            var m = Metadata(id);
            var licence = m.Elements().Single(e => e.Name.LocalName == "license");
            Assert.AreEqual("expression", (string?)licence.Attribute("type"), id);
            Assert.AreEqual("MIT", licence.Value, id);
            Assert.AreEqual("README.md", Field(m, "readme"), id);
            Assert.AreEqual(repository, Field(m, "projectUrl"), id);
            Assert.AreEqual(repository, (string?)m.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url"), id);
            var tags = Field(m, "tags")!.Split(' ');
            CollectionAssert.IsSubsetOf(sharedTags, tags, id);
            Assert.IsTrue(tags.Length > sharedTags.Length, $"{id} has no tags of its own");
            Assert.IsTrue(Field(m, "description")!.Length > 40, id);
            using var zip = ZipFile.OpenRead(Feed.Package(id));
            using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
            Assert.AreEqual(File.ReadAllText(Path.Combine(RepoPaths.Root, folder, "README.md")), readme.ReadToEnd(), $"{id} packs {folder}/README.md");
        }
    }

    [TestMethod]
    public void LibrariesCarryTheirAssemblyAndXmlDocsAndTheToolItsCommand()
    {
        foreach (var id in Libraries)
        {
            var assembly = id == "VaeOnnx.Inference.Gpu" ? "VaeOnnx.Inference" : id;
            var lib = Entries(id).Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            CollectionAssert.AreEqual(new[] { $"lib/net10.0/{assembly}.dll", $"lib/net10.0/{assembly}.xml" }, lib, id);
            using var zip = ZipFile.OpenRead(Feed.Package(id));
            using var docs = zip.GetEntry($"lib/net10.0/{assembly}.xml")!.Open();
            Assert.IsTrue(XDocument.Load(docs).Descendants("member").Count() > 20, $"{id}: XML docs");
            using var symbols = ZipFile.OpenRead(Feed.Package(id, "snupkg"));
            CollectionAssert.Contains(symbols.Entries.Select(e => e.FullName).ToArray(), $"lib/net10.0/{assembly}.pdb", id);
        }
        // The training package brings the TorchSharp libstdc++ fix to the apps that use it (build/README.md).
        CollectionAssert.IsSubsetOf(new[] { "buildTransitive/VaeOnnx.Training.targets", "buildTransitive/TorchSharpNativeFix.targets", "buildTransitive/ElfVersionNeedPatcher.cs" },
            Entries("VaeOnnx.Training"));

        var tool = Entries("VaeOnnx.Cli.linux-x64");
        CollectionAssert.IsSubsetOf(new[] { "tools/net10.0/linux-x64/DotnetToolSettings.xml", "tools/net10.0/linux-x64/vae.dll", "tools/net10.0/linux-x64/libLibTorchSharp.so" }, tool);
        Assert.IsFalse(tool.Any(e => e.Contains("/win-", StringComparison.Ordinal) || e.Contains("/osx", StringComparison.Ordinal)), "linux-x64 files only");
        CollectionAssert.Contains(Entries("VaeOnnx.Cli"), "tools/any/any/DotnetToolSettings.xml");
    }

    [TestMethod]
    public void EachPackageDependsOnWhatItNeedsOnlyAndInferenceNeverOnTorchSharp()
    {
        var packed = new Dictionary<string, string[]>();
        foreach (var (id, expected) in Dependencies)
        {
            var groups = Metadata(id).Elements().SingleOrDefault(e => e.Name.LocalName == "dependencies")?.Elements().ToArray() ?? [];
            Assert.IsTrue(groups.Length <= 1, $"{id}: one target framework");
            if (groups.Length == 1) Assert.AreEqual("net10.0", (string?)groups[0].Attribute("targetFramework"), id);
            packed[id] = groups.SelectMany(g => g.Elements()).Select(d => $"{d.Attribute("id")!.Value} {d.Attribute("version")!.Value}").ToArray();
            CollectionAssert.AreEquivalent(expected.Select(e => e.Replace("{v}", Feed.Version)).ToArray(), packed[id], $"{id}: {string.Join(", ", packed[id])}");
        }
        // What a production app installs: no TorchSharp, LibTorch, trainer or exporter; and the GPU package swaps the runtime.
        foreach (var id in new[] { "VaeOnnx.Contract", "VaeOnnx.Tables", "VaeOnnx.Inference", "VaeOnnx.Inference.Gpu" })
            Assert.IsFalse(packed[id].Any(d => d.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase) || d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
                || d.StartsWith("VaeOnnx.Training", StringComparison.Ordinal) || d.StartsWith("VaeOnnx.Export", StringComparison.Ordinal)), id);
        Assert.IsFalse(packed["VaeOnnx.Inference.Gpu"].Any(d => d.StartsWith("Microsoft.ML.OnnxRuntime ", StringComparison.Ordinal)), "the GPU package replaces the CPU runtime");
        CollectionAssert.Contains(packed["VaeOnnx.Inference.Gpu"], "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0");
    }
}
