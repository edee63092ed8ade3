using System.Xml.Linq;

namespace VaeOnnx.Tests;

/// <summary>The dependency rule of the design: a production app that pulls in the inference library never gets TorchSharp.</summary>
[TestClass]
public sealed class ProjectReferenceTests
{
    [TestMethod]
    public void InferenceProjectReferencesNeitherTorchSharpNorExport()
    {
        var project = Path.Combine(RepoPaths.Root, "inference", "VaeOnnx.Inference.csproj");
        var doc = XDocument.Load(project);
        var packages = doc.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? "").ToArray();
        var projects = doc.Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include") ?? "").ToArray();

        CollectionAssert.Contains(packages, "Microsoft.ML.OnnxTransformer");
        Assert.IsFalse(packages.Any(p => p.Contains("Torch", StringComparison.OrdinalIgnoreCase)), string.Join(",", packages));
        Assert.AreEqual(0, projects.Length, "inference must not reference other projects: " + string.Join(",", projects));
        // The built assembly must not reference TorchSharp either (through a transitive path nobody noticed).
        var referenced = typeof(VaeOnnx.Inference.Contract.VaeMetadataKeys).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.IsFalse(referenced.Any(n => n!.StartsWith("TorchSharp", StringComparison.Ordinal)), string.Join(",", referenced));
    }
}
