namespace VaeOnnx.Contract;

/// <summary>A model file breaks the contract: not ONNX, damaged, or with metadata that does not hold. Names the file and the problem.</summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception; the message starts with the file path.</summary>
    public ModelFileException(string filePath, string problem, Exception? inner = null) : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }
}
