using VaeOnnx.Inference;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// Rows to score, read from an IDX image file (gzipped or raw) or a CSV file with a header row. When the model records
/// feature names, they select and order the CSV's columns (every one must be there, other columns are ignored); only a
/// model without feature names reads a CSV by position, which must then have exactly the model's number of columns.
/// </summary>
public static class ModelInput
{
    /// <summary>Reads <paramref name="path"/> as rows of <paramref name="expectedWidth"/> floats.</summary>
    /// <param name="path">IDX or CSV file.</param>
    /// <param name="expectedWidth">Values per row the model takes.</param>
    /// <param name="featureNames">Column names to select, when the model has them.</param>
    /// <param name="labels">Labels, when the source has them (IDX files beside their label file are not read).</param>
    public static float[][] Read(string path, int expectedWidth, IReadOnlyList<string>? featureNames, out int[]? labels) =>
        Read(path, expectedWidth, featureNames, null, out labels);

    /// <summary>
    /// Reads <paramref name="path"/> as rows for a model that takes images of <paramref name="image"/> (null for rows of
    /// features): IDX images [N, H, W] (greyscale) or [N, H, W, C] (channels last, as image arrays are stored) are checked
    /// against the model's image and put into its layout, so an NCHW and an NHWC model read the same file the same way.
    /// </summary>
    public static float[][] Read(string path, int expectedWidth, IReadOnlyList<string>? featureNames, ImageShape? image, out int[]? labels)
    {
        labels = null;
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        VaeDataset data;
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // Named models always select by name: the reader names a missing column and parses quoted headers, where a
            // positional fallback would silently score a misnamed column as the feature in its place.
            data = CsvTableReader.Read(path, new CsvReadOptions { FeatureColumns = featureNames }).Data;
        }
        else
        {
            data = Images(path, image);
        }
        if (data.FeatureCount != expectedWidth)
            throw new DataFormatException(path, $"rows have {data.FeatureCount} values; the model expects {expectedWidth}" +
                (featureNames is null ? "" : $" (columns {string.Join(", ", featureNames)})"));
        return Enumerable.Range(0, data.Rows).Select(r => data.Row(r).ToArray()).ToArray();
    }

    private static VaeDataset Images(string path, ImageShape? image)
    {
        var idx = IdxReader.Read(path);
        var dims = idx.Dimensions;
        if (dims.Length is not (3 or 4))
            throw new DataFormatException(path, $"has {dims.Length} dimensions [{string.Join(",", dims)}]; expected 3 (images x height x width) or 4 (images x height x width x channels)");
        int count = dims[0], height = dims[1], width = dims[2], channels = dims.Length == 4 ? dims[3] : 1;
        if (image is not null && (image.Channels, image.Height, image.Width) != (channels, height, width))
            throw new DataFormatException(path, $"holds {(channels == 1 ? "greyscale" : $"{channels}-channel")} images {height}x{width}; the model takes images {image} ({image.Channels} channels, {image.Height}x{image.Width})");
        // The file is channels last; a channels-first model (or one without an image shape) gets its own order.
        var target = image ?? new ImageShape(channels, height, width, InputLayout.Nhwc);
        int values = channels * height * width;
        var pixels = new float[idx.Values.Length];
        for (int n = 0; n < count; n++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    for (int c = 0; c < channels; c++)
                        pixels[n * values + target.Index(c, y, x)] = idx.Values[n * values + (y * width + x) * channels + c] / 255f;
        return new VaeDataset(path, pixels, count, values);
    }

    /// <summary>Loads the model of <paramref name="folder"/> with the CLI's options.</summary>
    public static VaeModel LoadModel(string folder, Likelihood? likelihood) => VaeModel.Load(folder, likelihood: likelihood);

    /// <summary>Loads the model of <paramref name="folder"/>; the load's information note (a pair without weights digests) goes to <paramref name="log"/>.</summary>
    public static VaeModel LoadModel(string folder, Likelihood? likelihood, TextWriter log) =>
        VaeModel.Load(folder, new VaeSessionOptions { Log = message => log.WriteLine($"note: {message}") }, likelihood);
}
