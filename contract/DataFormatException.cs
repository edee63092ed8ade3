namespace VaeOnnx.Contract;

/// <summary>A data file is malformed; the message names the file, where (row, column, field) and what was expected.</summary>
public sealed class DataFormatException : IOException
{
    /// <summary>Creates the exception; the message starts with the file path.</summary>
    public DataFormatException(string filePath, string problem, Exception? inner = null) : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }
}
