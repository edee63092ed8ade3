namespace VaeOnnx.Tests.Packaging;

/// <summary>Removes the packed feed and its consumers once every test of the run has used them.</summary>
[TestClass]
public sealed class PackagingCleanup
{
    [AssemblyCleanup]
    public static void DeleteFeed() => LocalFeed.DeleteIfPacked();
}
