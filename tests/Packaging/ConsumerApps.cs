using System.Text.Json;

namespace VaeOnnx.Tests.Packaging;

/// <summary>
/// The apps of tests/Packaging/Apps, copied below the feed's folder (outside the repository, so none of its MSBuild files
/// apply; the feed's nuget.config does) and built once per run in one <c>dotnet build</c>.
/// </summary>
internal sealed class ConsumerApps
{
    private static readonly Lazy<ConsumerApps> Built = new(Build);

    private ConsumerApps(string root, ProcessRun build)
    {
        Root = root;
        BuildRun = build;
    }

    /// <summary>The apps of this run (packed and built on first use).</summary>
    public static ConsumerApps Instance => Built.Value;

    /// <summary>The folder holding one folder per app.</summary>
    public string Root { get; }

    /// <summary>The build as it ran.</summary>
    public ProcessRun BuildRun { get; }

    /// <summary>The build output folder of <paramref name="app"/>.</summary>
    public string Output(string app) => Path.Combine(Root, app, "bin", "Release", "net10.0");

    /// <summary>Runs <paramref name="app"/> with <paramref name="args"/>.</summary>
    public ProcessRun Run(string app, params string[] args) =>
        ProcessRun.Dotnet(Root, TimeSpan.FromMinutes(3), [Path.Combine(Output(app), app + ".dll"), .. args]);

    /// <summary>The packages restore resolved for <paramref name="app"/> ("Id/Version"), from its project.assets.json.</summary>
    public string[] ResolvedPackages(string app)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, app, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(l => l.Value.GetProperty("type").GetString() == "package").Select(l => l.Name).ToArray();
    }

    private static ConsumerApps Build()
    {
        var feed = LocalFeed.Instance;
        var root = Path.Combine(feed.Root, "apps");
        var source = Path.Combine(RepoPaths.Root, "tests", "Packaging", "Apps");
        var apps = Directory.GetDirectories(source).Select(Path.GetFileName).ToArray();
        foreach (var app in apps)
        {
            Directory.CreateDirectory(Path.Combine(root, app!));
            foreach (var file in Directory.GetFiles(Path.Combine(source, app!)))
                File.Copy(file, Path.Combine(root, app!, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(root, "Apps.slnx"),
            "<Solution>\n" + string.Concat(apps.Select(a => $"  <Project Path=\"{a}/{a}.csproj\" />\n")) + "</Solution>\n");
        var build = ProcessRun.Dotnet(root, TimeSpan.FromMinutes(6), "build", "Apps.slnx", "-c", "Release", $"-p:VaeOnnxVersion={feed.Version}", "-nologo", "-nodeReuse:false")
            .Succeeded();
        return new ConsumerApps(root, build);
    }
}
