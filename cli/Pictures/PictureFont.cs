using SkiaSharp;

namespace VaeOnnx.Cli.Pictures;

/// <summary>
/// The font of every picture: DejaVu Sans, embedded in this assembly. SkiaSharp's self-contained Linux build does not
/// use fontconfig, so without an explicit typeface text would silently not render on machines like Debian servers.
/// </summary>
public static class PictureFont
{
    /// <summary>The family name registered with ScottPlot.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<(SKTypeface Typeface, string Path)> Loaded = new(Load);

    /// <summary>The typeface for SkiaSharp drawing.</summary>
    public static SKTypeface Typeface => Loaded.Value.Typeface;

    /// <summary>Applies the font to every text element of a ScottPlot plot.</summary>
    public static void Apply(ScottPlot.Plot plot)
    {
        _ = Loaded.Value;
        plot.Font.Set(Family);
    }

    private static (SKTypeface, string) Load()
    {
        using var resource = typeof(PictureFont).Assembly.GetManifestResourceStream("VaeOnnx.Cli.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("the embedded font VaeOnnx.Cli.DejaVuSans.ttf is missing from the assembly");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        var bytes = buffer.ToArray();
        // ScottPlot registers fonts from files: keep one copy per content in the temp folder.
        var path = Path.Combine(Path.GetTempPath(), $"vaeonnx-DejaVuSans-{bytes.Length}.ttf");
        if (!File.Exists(path) || new FileInfo(path).Length != bytes.Length)
        {
            var temp = path + $".{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        ScottPlot.Fonts.AddFontFile(Family, path, bold: false, italic: false);
        ScottPlot.Fonts.AddFontFile(Family, path, bold: true, italic: false);
        return (SKTypeface.FromData(SKData.CreateCopy(bytes)), path);
    }
}
