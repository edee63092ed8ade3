using SkiaSharp;

namespace VaeOnnx.Cli.Pictures;

/// <summary>
/// Draws images (values in [0,1], 0 = black; greyscale H x W, or colour in a model's NCHW or NHWC layout) as a PNG grid,
/// each pixel enlarged to a square, with a thin gap between cells and an optional caption per grid row. Used for samples,
/// reconstructions, walks and manifolds.
/// </summary>
public static class ImageGrid
{
    /// <summary>Renders <paramref name="rows"/> of images; every image has <paramref name="height"/> x <paramref name="width"/> values.</summary>
    /// <param name="rows">Grid rows, each a list of images.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    /// <param name="rowCaptions">Optional text drawn left of each row.</param>
    public static byte[] RenderPng(IReadOnlyList<IReadOnlyList<float[]>> rows, int height, int width, int scale = 2,
        IReadOnlyList<string>? rowCaptions = null) =>
        RenderPng(rows, new ImageShape(1, height, width, InputLayout.Nchw), scale, rowCaptions);

    /// <summary>
    /// Renders images of <paramref name="shape"/>: one channel as grey, three or more as RGB (channels 0, 1, 2), read from
    /// each row in the model's layout (NCHW or NHWC); two channels draw the first as grey.
    /// </summary>
    public static byte[] RenderPng(IReadOnlyList<IReadOnlyList<float[]>> rows, ImageShape shape, int scale = 2, IReadOnlyList<string>? rowCaptions = null)
    {
        int height = shape.Height, width = shape.Width;
        if (rows.Count == 0 || rows.Any(r => r.Count == 0)) throw new ArgumentException("an image grid needs at least one image per row");
        const int gap = 2;
        int columns = rows.Max(r => r.Count);
        int captionWidth = rowCaptions is null ? 0 : 110;
        int cellW = width * scale, cellH = height * scale;
        int totalW = captionWidth + columns * (cellW + gap) + gap, totalH = rows.Count * (cellH + gap) + gap;
        using var bitmap = new SKBitmap(new SKImageInfo(totalW, totalH, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(64, 64, 64));
            using var font = new SKFont(PictureFont.Typeface, 13);
            using var textPaint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            for (int r = 0; r < rows.Count; r++)
            {
                int top = gap + r * (cellH + gap);
                if (rowCaptions is not null && r < rowCaptions.Count)
                    canvas.DrawText(rowCaptions[r], 6, top + cellH / 2f + 5, SKTextAlign.Left, font, textPaint);
                for (int c = 0; c < rows[r].Count; c++)
                    DrawImage(bitmap, rows[r][c], shape, scale, captionWidth + gap + c * (cellW + gap), top);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>Splits a row-major block of <paramref name="count"/> images into one array per image.</summary>
    public static List<float[]> Split(ReadOnlySpan<float> block, int count, int pixels)
    {
        if (block.Length < count * pixels) throw new ArgumentException($"{block.Length} values cannot hold {count} images of {pixels} pixels");
        var images = new List<float[]>(count);
        for (int i = 0; i < count; i++) images.Add(block.Slice(i * pixels, pixels).ToArray());
        return images;
    }

    private static void DrawImage(SKBitmap bitmap, float[] pixels, ImageShape shape, int scale, int left, int top)
    {
        if (pixels.Length != shape.Values)
            throw new ArgumentException($"an image has {pixels.Length} values; expected {(shape.Channels == 1 ? $"{shape.Height}x{shape.Width}" : shape.ToString())}");
        bool rgb = shape.Channels >= 3;
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
            {
                var color = rgb
                    ? new SKColor(Level(pixels[shape.Index(0, y, x)]), Level(pixels[shape.Index(1, y, x)]), Level(pixels[shape.Index(2, y, x)]))
                    : new SKColor(Level(pixels[shape.Index(0, y, x)]), Level(pixels[shape.Index(0, y, x)]), Level(pixels[shape.Index(0, y, x)]));
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++)
                        bitmap.SetPixel(left + x * scale + dx, top + y * scale + dy, color);
            }
    }

    /// <summary>Clamped: decoders of real-valued data can overshoot [0,1]; NaN draws as black rather than failing the picture.</summary>
    private static byte Level(float v) => float.IsNaN(v) ? (byte)0 : (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255);
}
