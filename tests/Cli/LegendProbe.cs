using SkiaSharp;

namespace VaeOnnx.Tests.Cli;

/// <summary>
/// Finds the legend of a latent chart in its pixels: the legend sits right of the data area, whose right edge is the
/// rightmost column with a dark vertical line over half the image's height (the legend's own frame is much shorter).
/// </summary>
internal static class LegendProbe
{
    /// <summary>The x of the data area's right edge, or -1 when no such line is found.</summary>
    public static int DataAreaRight(SKBitmap bitmap)
    {
        for (int x = bitmap.Width - 1; x >= 0; x--)
        {
            int run = 0, longest = 0;
            for (int y = 0; y < bitmap.Height; y++)
            {
                var p = bitmap.GetPixel(x, y);
                run = p.Red < 100 && p.Green < 100 && p.Blue < 100 ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }
            if (longest > bitmap.Height / 2) return x;
        }
        return -1;
    }

    /// <summary>
    /// Marker cores of exactly <paramref name="colour"/> right of column <paramref name="left"/>: pixels of that colour whose four
    /// neighbours have it too (anti-aliased text edges take arbitrary greys, a filled marker does not), and their mean position.
    /// </summary>
    public static (int Count, double MeanX, double MeanY) Find(SKBitmap bitmap, int left, SKColor colour)
    {
        int count = 0;
        double sumX = 0, sumY = 0;
        for (int y = 1; y < bitmap.Height - 1; y++)
            for (int x = Math.Max(1, left + 1); x < bitmap.Width - 1; x++)
                if (bitmap.GetPixel(x, y) == colour && bitmap.GetPixel(x - 1, y) == colour && bitmap.GetPixel(x + 1, y) == colour
                    && bitmap.GetPixel(x, y - 1) == colour && bitmap.GetPixel(x, y + 1) == colour)
                {
                    count++;
                    sumX += x;
                    sumY += y;
                }
        return (count, count == 0 ? double.NaN : sumX / count, count == 0 ? double.NaN : sumY / count);
    }

    /// <summary>
    /// Columns with dark (text) pixels in the band of rows around <paramref name="centreY"/>, right of <paramref name="fromX"/>;
    /// the few rightmost are left out, since the legend's frame and shadow cross every band.
    /// </summary>
    public static int TextColumns(SKBitmap bitmap, int fromX, int centreY)
    {
        var columns = new List<int>();
        for (int x = fromX; x < bitmap.Width; x++)
            for (int y = Math.Max(0, centreY - 6); y <= Math.Min(bitmap.Height - 1, centreY + 6); y++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p.Red < 110 && p.Green < 110 && p.Blue < 110) { columns.Add(x); break; }
            }
        return Math.Max(0, columns.Count - 4);
    }

    /// <summary>The chart colour of class <paramref name="label"/> (the palette the chart code uses).</summary>
    public static SKColor ClassColour(int label)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var c = palette.GetColor(label % palette.Colors.Length);
        return new SKColor(c.R, c.G, c.B);
    }

    /// <summary>
    /// Asserts that right of the data area there is one legend entry per class in <paramref name="present"/>, top to bottom
    /// in class order, with its label text, and no entry for the classes in <paramref name="absent"/>.
    /// </summary>
    public static void AssertLegend(SKBitmap bitmap, IReadOnlyList<int> present, IReadOnlyList<int> absent, string name)
    {
        int right = DataAreaRight(bitmap);
        Assert.IsTrue(right > bitmap.Width / 2 && right < bitmap.Width - 60, $"{name}: data area ends at x={right}, leaving room for a legend on the right");
        double previous = double.NegativeInfinity;
        foreach (var label in present)
        {
            var (count, meanX, meanY) = Find(bitmap, right + 2, ClassColour(label));
            Assert.IsTrue(count >= 1, $"{name}: the legend has a marker of class {label}'s colour (none right of x={right})");
            Assert.IsTrue(meanY > previous, $"{name}: legend entry of class {label} is below the previous one (y {meanY:F0} after {previous:F0})");
            previous = meanY;
            int text = TextColumns(bitmap, (int)meanX + 4, (int)meanY);
            Assert.IsTrue(text >= 10, $"{name}: legend entry of class {label} has its label text beside the marker ({text} dark columns)");
        }
        foreach (var label in absent)
            Assert.AreEqual(0, Find(bitmap, right + 2, ClassColour(label)).Count, $"{name}: no legend entry for class {label}, which has no points");
    }
}
