using VaeOnnx.Contract;
namespace VaeOnnx.Training.Data;

/// <summary>
/// A folder with the four files of an MNIST-family data set (train-/t10k- images and labels, gzipped or raw),
/// as Debian's dataset-fashion-mnist package and the data sets' own sites lay them out.
/// </summary>
public static class MnistFamilyFolder
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs Fashion-MNIST.</summary>
    public const string DefaultFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The base names of the four files.</summary>
    public static readonly string[] FileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Class names of Fashion-MNIST, by label.</summary>
    public static readonly string[] FashionMnistClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when <paramref name="folder"/> holds the training images of an MNIST-family set.</summary>
    public static bool Contains(string folder) => Directory.Exists(folder) && Find(folder, FileNames[0]) is not null;

    /// <summary>Loads the training and test splits with labels; images become [1,H,W] rows scaled to [0,1].</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="transpose">True for EMNIST, whose images are stored transposed.</param>
    public static (VaeDataset Train, VaeDataset Test) Load(string folder, bool transpose = false)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: data folder not found");
        var paths = FileNames.Select(name => Find(folder, name)
            ?? throw new FileNotFoundException($"{folder}: no {name} or {name}.gz; an MNIST-family folder holds {string.Join(", ", FileNames.Select(n => n + "[.gz]"))}", Path.Combine(folder, name))).ToArray();
        return (LoadSplit(paths[0], paths[1], transpose), LoadSplit(paths[2], paths[3], transpose));
    }

    private static VaeDataset LoadSplit(string imagesPath, string labelsPath, bool transpose)
    {
        var (pixels, count, height, width) = IdxReader.ReadImages(imagesPath, transpose);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new DataFormatException(labelsPath, $"{labels.Length} labels for the {count} images of {imagesPath}; expected one label per image");
        return new VaeDataset(imagesPath, pixels, count, height * width, labels, [1, height, width]);
    }

    private static string? Find(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
