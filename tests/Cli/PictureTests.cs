using SkiaSharp;
using VaeOnnx.Cli.Pictures;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Cli;

[TestClass]
public sealed class PictureTests
{
    [TestMethod]
    public void ImageGridKeepsGreyLevelsAndOrientation()
    {
        // An image whose top row is white and the rest black: the grid must show white at the top (not flipped).
        var image = new float[4 * 3];
        for (int x = 0; x < 3; x++) image[x] = 1f;
        image[3 * 3 + 1] = 0.5f;
        var png = ImageGrid.RenderPng([[image, image]], height: 4, width: 3, scale: 2);
        using var bitmap = SKBitmap.Decode(png);
        Assert.IsNotNull(bitmap);
        Assert.AreEqual(2 + 2 * (6 + 2), bitmap.Width);
        Assert.AreEqual(2 + 8 + 2, bitmap.Height);
        Assert.AreEqual(new SKColor(255, 255, 255), bitmap.GetPixel(2, 2), "top-left pixel of the first image is white");
        Assert.AreEqual(new SKColor(0, 0, 0), bitmap.GetPixel(2, 2 + 2 * 2), "third image row is black");
        Assert.AreEqual(new SKColor(128, 128, 128), bitmap.GetPixel(2 + 2, 2 + 3 * 2), "0.5 renders as mid grey");
    }

    [TestMethod]
    public void ColourImagesDrawTheSameFromNchwAndNhwcRows()
    {
        // A 2x3 RGB image: red top-left, green top-right, blue bottom-left, white bottom-right, the rest black.
        (int Y, int X, float[] Rgb)[] pixels = [(0, 0, [1, 0, 0]), (0, 2, [0, 1, 0]), (1, 0, [0, 0, 1]), (1, 2, [1, 1, 1])];
        float[] Row(InputLayout layout)
        {
            var row = new float[3 * 2 * 3];
            foreach (var (y, x, rgb) in pixels)
                for (int c = 0; c < 3; c++) row[layout == InputLayout.Nchw ? (c * 2 + y) * 3 + x : (y * 3 + x) * 3 + c] = rgb[c];
            return row;
        }
        var nchw = ImageGrid.RenderPng([[Row(InputLayout.Nchw)]], new ImageShape(3, 2, 3, InputLayout.Nchw), scale: 1);
        var nhwc = ImageGrid.RenderPng([[Row(InputLayout.Nhwc)]], new ImageShape(3, 2, 3, InputLayout.Nhwc), scale: 1);
        CollectionAssert.AreEqual(nchw, nhwc);
        using var bitmap = SKBitmap.Decode(nhwc);
        Assert.AreEqual(new SKColor(255, 0, 0), bitmap.GetPixel(2, 2));
        Assert.AreEqual(new SKColor(0, 255, 0), bitmap.GetPixel(4, 2));
        Assert.AreEqual(new SKColor(0, 0, 255), bitmap.GetPixel(2, 3));
        Assert.AreEqual(new SKColor(255, 255, 255), bitmap.GetPixel(4, 3));
        Assert.AreEqual(new SKColor(0, 0, 0), bitmap.GetPixel(3, 2));
    }

    [TestMethod]
    public void ImageGridRejectsImagesOfTheWrongSize()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.RenderPng([[new float[5]]], 2, 2));
        StringAssert.Contains(e.Message, "2x2");
    }

    [TestMethod]
    public void LossChartAndLatentPlotDecodeAtTheirSize()
    {
        var metrics = Enumerable.Range(1, 4).Select(e => new EpochMetrics { Epoch = e, TrainNegElbo = 300 - 10 * e, TestNegElbo = 295 - 9 * e }).ToList();
        using (var loss = SKBitmap.Decode(Charts.LossPng(metrics)))
        {
            Assert.AreEqual(720, loss.Width);
            Assert.AreEqual(440, loss.Height);
        }
        var random = new Random(3);
        var means = Enumerable.Range(0, 300 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 300).Select(i => i % 3).ToArray();
        using var latent = SKBitmap.Decode(Charts.LatentPng(means, 300, 5, labels, ["a", "b", "c"]));
        Assert.AreEqual(760, latent.Width);
        Assert.AreEqual(600, latent.Height);
    }

    [TestMethod]
    public void LatentPlotHasALegendEntryPerClassInItsColour()
    {
        // Classes 0, 2 and 5 only: the legend lists those three, top to bottom, each marker in its class colour.
        var random = new Random(8);
        int rows = 240;
        var means = Enumerable.Range(0, rows * 4).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, rows).Select(i => new[] { 0, 2, 5 }[i % 3]).ToArray();
        using var latent = SKBitmap.Decode(Charts.LatentPng(means, rows, 4, labels, ["first class", "second class", "third class", "fourth class", "fifth class", "sixth class"]));
        LegendProbe.AssertLegend(latent, [0, 2, 5], [1, 3, 4], "latent plot");
        // The points themselves are inside the data area, in the same colours.
        int right = LegendProbe.DataAreaRight(latent);
        int inside = 0;
        for (int y = 0; y < latent.Height; y++)
            for (int x = 0; x < right; x++)
                if (latent.GetPixel(x, y) == LegendProbe.ClassColour(5)) inside++;
        Assert.IsTrue(inside > 80, $"class 5's 80 points are drawn ({inside} pixels)");
    }

    [TestMethod]
    public void ChartTextIsDrawnWithTheEmbeddedFont()
    {
        // SkiaSharp's self-contained build finds no system fonts: without the embedded font titles would be blank.
        var metrics = Enumerable.Range(1, 3).Select(e => new EpochMetrics { Epoch = e, TrainNegElbo = 300 - e, TestNegElbo = 299 - e }).ToList();
        using var chart = SKBitmap.Decode(Charts.LossPng(metrics));
        int dark = 0;
        for (int y = 0; y < 30; y++)
            for (int x = 200; x < 520; x++)
                if (chart.GetPixel(x, y).Red < 128) dark++;
        Assert.IsTrue(dark > 100, $"the title strip has {dark} dark pixels");
        using var grid = SKBitmap.Decode(ImageGrid.RenderPng([[new float[4]]], 2, 2, 2, ["caption"]));
        int light = 0;
        for (int y = 0; y < grid.Height; y++)
            for (int x = 0; x < 100; x++)
                if (grid.GetPixel(x, y).Red > 200) light++;
        Assert.IsTrue(light > 5, "the row caption is drawn");
    }

    [TestMethod]
    public void PrincipalComponentsFindTheDirectionOfLargestSpread()
    {
        // Points along (1, 1, 0) with little noise elsewhere: the first component's coordinates carry the spread.
        var random = new Random(5);
        int rows = 200;
        var values = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            float t = (float)(random.NextDouble() * 10 - 5);
            values[r * 3] = t + (float)random.NextDouble() * 0.01f;
            values[r * 3 + 1] = t;
            values[r * 3 + 2] = (float)random.NextDouble() * 0.01f;
        }
        var (x, y) = PrincipalComponents.Project2D(values, rows, 3);
        double varX = x.Select(v => v * v).Average(), varY = y.Select(v => v * v).Average();
        Assert.IsTrue(varX > 1000 * varY, $"variance along PC1 {varX} vs PC2 {varY}");
        // The projection of (t, t, 0) onto the unit vector (1,1,0)/sqrt(2) has length |t| * sqrt(2).
        double tVar = Enumerable.Range(0, rows).Select(r => (double)values[r * 3 + 1]).Select(v => v - Enumerable.Range(0, rows).Average(k => values[k * 3 + 1])).Select(v => v * v).Average();
        Assert.AreEqual(2 * tVar, varX, 0.01 * varX);
    }
}
