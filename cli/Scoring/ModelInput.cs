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
    public static float[][] Read(string path, int expectedWidth, IReadOnlyList<string>? featureNames, out int[]? labels)
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
            var (pixels, count, height, width) = IdxReader.ReadImages(path);
            data = new VaeDataset(path, pixels, count, height * width);
        }
        if (data.FeatureCount != expectedWidth)
            throw new DataFormatException(path, $"rows have {data.FeatureCount} values; the model expects {expectedWidth}" +
                (featureNames is null ? "" : $" (columns {string.Join(", ", featureNames)})"));
        return Enumerable.Range(0, data.Rows).Select(r => data.Row(r).ToArray()).ToArray();
    }

    /// <summary>Loads the model of <paramref name="folder"/> with the CLI's options.</summary>
    public static VaeModel LoadModel(string folder, Likelihood? likelihood) => VaeModel.Load(folder, likelihood: likelihood);
}
