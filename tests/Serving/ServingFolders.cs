namespace VaeOnnx.Tests.Serving;

/// <summary>Model folders for the serving tests: copies of the shipped 5-feature fixtures, swapped by renaming files into place.</summary>
internal static class ServingFolders
{
    public static readonly string SensorsA = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "sensors-a");
    public static readonly string SensorsB = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "sensors-b");

    /// <summary>A fresh folder holding a copy of <paramref name="source"/>'s pair.</summary>
    public static string CopyOf(string source)
    {
        var folder = RepoPaths.NewTempFolder("serving-model");
        foreach (var file in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(source, file), Path.Combine(folder, file));
        return folder;
    }

    /// <summary>Replaces one file of <paramref name="folder"/> with <paramref name="source"/>'s, atomically (a temporary name, then a rename).</summary>
    public static void Replace(string source, string folder, string file)
    {
        var temp = Path.Combine(folder, $".{file}.{Guid.NewGuid():N}.tmp");
        File.Copy(Path.Combine(source, file), temp);
        File.Move(temp, Path.Combine(folder, file), overwrite: true);
    }

    /// <summary>Replaces the pair: encoder, then decoder (in between, the folder holds no valid pair).</summary>
    public static void Swap(string source, string folder)
    {
        Replace(source, folder, "encoder.onnx");
        Replace(source, folder, "decoder.onnx");
    }

    /// <summary>Rows of five readings around the training data, some far off.</summary>
    public static float[][] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            double t = random.NextDouble() * 2 - 1, u = random.NextDouble() * 2 - 1, far = random.NextDouble() < 0.2 ? 4 : 1;
            return new[] { (float)(20 + 5 * t * far), (float)(1000 + 8 * u), (float)(t * u), (float)(3 + t), (float)(-2 * u * far) };
        }).ToArray();
    }
}
