namespace VaeOnnx.Tests;

/// <summary>Locates the repository from the test output folder so tests can read shipped files (models, samples, projects).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeOnnx.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"VaeOnnx.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A fresh empty folder under the system temp folder, unique to the caller.</summary>
    public static string NewTempFolder(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "vaeonnx-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }
}
