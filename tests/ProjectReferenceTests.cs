using System.Reflection;
using System.Xml.Linq;

namespace VaeOnnx.Tests;

/// <summary>
/// The dependency graph of the design, in the project files and in the built assemblies: the contract references neither
/// ML.NET nor TorchSharp; training and export build on it; export does not know inference; and a production app that pulls
/// in the inference library gets the contract, ML.NET and ONNX Runtime only, never TorchSharp. The packed dependencies are
/// checked in <see cref="Packaging.PackageMetadataTests"/>.
/// </summary>
[TestClass]
public sealed class ProjectReferenceTests
{
    private static (string[] Packages, string[] Projects) References(string folder, string project)
    {
        var doc = XDocument.Load(Path.Combine(RepoPaths.Root, folder, project));
        string[] Of(string element) => doc.Descendants(element).Select(e => (string?)e.Attribute("Include") ?? "").ToArray();
        return (Of("PackageReference"), Of("ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/'))).ToArray());
    }

    private static string[] AssemblyReferences(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [TestMethod]
    public void ContractReferencesNeitherMlNetNorTorchSharpNorAnotherStage()
    {
        var (packages, projects) = References("contract", "VaeOnnx.Contract.csproj");
        CollectionAssert.AreEquivalent(new[] { "Google.Protobuf", "Grpc.Tools" }, packages);
        Assert.AreEqual(0, projects.Length, string.Join(",", projects));
        var referenced = AssemblyReferences(typeof(PairMetadata).Assembly);
        Assert.IsFalse(referenced.Any(n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal) || n.StartsWith("TorchSharp", StringComparison.Ordinal) || n.StartsWith("VaeOnnx.", StringComparison.Ordinal)),
            string.Join(",", referenced));
    }

    [TestMethod]
    public void TableIoBuildsOnTheContractAloneSoInferenceAndTheServiceReadTablesWithoutTorchSharp()
    {
        var (packages, projects) = References("tables", "VaeOnnx.Tables.csproj");
        Assert.AreEqual(0, packages.Length, string.Join(",", packages));
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Contract" }, projects);
        var referenced = AssemblyReferences(typeof(VaeOnnx.Tables.RawTableReader).Assembly);
        Assert.IsFalse(referenced.Any(n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal) || n.StartsWith("TorchSharp", StringComparison.Ordinal)
            || (n.StartsWith("VaeOnnx.", StringComparison.Ordinal) && n != "VaeOnnx.Contract")), string.Join(",", referenced));
    }

    [TestMethod]
    public void TableSourcesBuildOnTableIoAndOnlyTrainingAndTheCliUseThemSoProductionAppsStayLean()
    {
        var (packages, projects) = References("sources", "VaeOnnx.Sources.csproj");
        CollectionAssert.AreEquivalent(new[] { "Parquet.Net", "Microsoft.Data.Sqlite", "Npgsql" }, packages);
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Contract", "VaeOnnx.Tables" }, projects);
        var referenced = AssemblyReferences(typeof(VaeOnnx.Sources.TableSource).Assembly);
        Assert.IsFalse(referenced.Any(n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal) || n.StartsWith("TorchSharp", StringComparison.Ordinal)
            || (n.StartsWith("VaeOnnx.", StringComparison.Ordinal) && n is not ("VaeOnnx.Contract" or "VaeOnnx.Tables"))), string.Join(",", referenced));
        foreach (var (folder, project) in new[] { ("inference", "VaeOnnx.Inference.csproj"), ("inference-gpu", "VaeOnnx.Inference.Gpu.csproj"), ("serving", "VaeOnnx.Serving.csproj") })
            Assert.IsFalse(References(folder, project).Projects.Contains("VaeOnnx.Sources"), project);
        Assert.IsFalse(AssemblyReferences(typeof(VaeOnnx.Inference.VaeModel).Assembly).Any(n => n is "VaeOnnx.Sources" or "Parquet" or "Microsoft.Data.Sqlite" or "Npgsql"));
        CollectionAssert.Contains(References("cli", "VaeOnnx.Cli.csproj").Projects, "VaeOnnx.Sources");
    }

    [TestMethod]
    public void InferenceReferencesTheContractMlNetAndOnnxRuntimeOnly()
    {
        var (packages, projects) = References("inference", "VaeOnnx.Inference.csproj");
        CollectionAssert.AreEquivalent(new[] { "Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime" }, packages);
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Contract", "VaeOnnx.Tables" }, projects);
        // The built assembly must not reference TorchSharp or the other stages either (through a transitive path nobody noticed).
        var referenced = AssemblyReferences(typeof(VaeOnnx.Inference.VaeModel).Assembly);
        Assert.IsFalse(referenced.Any(n => n.StartsWith("TorchSharp", StringComparison.Ordinal)), string.Join(",", referenced));
        Assert.IsFalse(referenced.Any(n => n is "VaeOnnx.Training" or "VaeOnnx.Export"), string.Join(",", referenced));
        CollectionAssert.Contains(referenced, "VaeOnnx.Contract");
    }

    [TestMethod]
    public void GpuInferenceIsTheInferenceSourcesOnOnnxRuntimesCudaBuild()
    {
        var (packages, projects) = References("inference-gpu", "VaeOnnx.Inference.Gpu.csproj");
        CollectionAssert.AreEquivalent(new[] { "Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime.Managed" }, packages);
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Contract", "VaeOnnx.Tables" }, projects);
        var doc = XDocument.Load(Path.Combine(RepoPaths.Root, "inference-gpu", "VaeOnnx.Inference.Gpu.csproj"));
        Assert.AreEqual("VaeOnnx.Inference", doc.Descendants("AssemblyName").Single().Value, "the same assembly, so the same API and InternalsVisibleTo");
        Assert.AreEqual("../inference/**/*.cs", (string?)doc.Descendants("Compile").Single().Attribute("Include"));
        // The CUDA build is referenced there and nowhere else: an app never gets two ONNX Runtime native builds from us.
        foreach (var project in Directory.GetFiles(RepoPaths.Root, "*.csproj", SearchOption.AllDirectories).Where(p => !p.EndsWith("VaeOnnx.Inference.Gpu.csproj", StringComparison.Ordinal)
            && !p.Contains($"{Path.DirectorySeparatorChar}Apps{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            Assert.IsFalse(File.ReadAllText(project).Contains("OnnxRuntime.Gpu", StringComparison.Ordinal), project);
    }

    [TestMethod]
    public void TheServiceBuildsOnInferenceOnly()
    {
        var (packages, projects) = References("serving", "VaeOnnx.Serving.csproj");
        CollectionAssert.AreEquivalent(new[] { "Microsoft.AspNetCore.OpenApi" }, packages);
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Inference" }, projects);
        var referenced = AssemblyReferences(typeof(VaeOnnx.Serving.Hosting.VaeServingApp).Assembly);
        Assert.IsFalse(referenced.Any(n => n.StartsWith("TorchSharp", StringComparison.Ordinal) || n is "VaeOnnx.Training" or "VaeOnnx.Export" or "vae"), string.Join(",", referenced));
    }

    [TestMethod]
    public void TrainingAndExportBuildOnTheContractAndExportDoesNotKnowInference()
    {
        var (_, training) = References("training", "VaeOnnx.Training.csproj");
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Contract", "VaeOnnx.Tables", "VaeOnnx.Sources" }, training);
        var (exportPackages, export) = References("export", "VaeOnnx.Export.csproj");
        CollectionAssert.AreEquivalent(new[] { "VaeOnnx.Contract", "VaeOnnx.Tables", "VaeOnnx.Training" }, export);
        Assert.IsFalse(exportPackages.Any(p => p.StartsWith("Microsoft.ML", StringComparison.Ordinal) && p != "Microsoft.ML.OnnxRuntime"), string.Join(",", exportPackages));
        var referenced = AssemblyReferences(typeof(VaeOnnx.Export.VaeOnnxExporter).Assembly);
        Assert.IsFalse(referenced.Contains("VaeOnnx.Inference"), string.Join(",", referenced));
        Assert.IsFalse(AssemblyReferences(typeof(VaeOnnx.Training.Trainer.VaeTrainer).Assembly).Any(n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void TheMlNetTrainerBuildsOnTrainingExportAndInference()
    {
        var (packages, projects) = References("trainers", "VaeOnnx.Trainers.csproj");
        Assert.AreEqual(0, packages.Length, string.Join(",", packages));
        CollectionAssert.AreEqual(new[] { "VaeOnnx.Training", "VaeOnnx.Export", "VaeOnnx.Inference" }, projects);
        var referenced = AssemblyReferences(typeof(VaeOnnx.Trainers.VaeAnomalyTrainer).Assembly);
        Assert.IsFalse(referenced.Any(n => n is "vae" or "VaeOnnx.Serving"), string.Join(",", referenced));
    }

    [TestMethod]
    public void GeneratedOnnxClassesAreNotPublicApi()
    {
        var publicProto = typeof(PairMetadata).Assembly.GetExportedTypes().Where(t => t.Namespace?.EndsWith(".Proto", StringComparison.Ordinal) == true).ToArray();
        Assert.AreEqual(0, publicProto.Length, string.Join(",", publicProto.Select(t => t.FullName)));
        foreach (var assembly in new[] { typeof(VaeOnnx.Inference.VaeModel).Assembly, typeof(VaeOnnx.Export.VaeOnnxExporter).Assembly })
            Assert.IsFalse(assembly.GetExportedTypes().Any(t => t.Name.Contains("Proto", StringComparison.Ordinal)), assembly.GetName().Name);
    }
}
