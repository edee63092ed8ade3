namespace VaeOnnx.Training.Checkpoints;

/// <summary>A checkpoint folder or file is missing, unreadable or inconsistent; the message names the file and the field.</summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception for a file of a checkpoint.</summary>
    public CheckpointFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file (or folder) at fault.</summary>
    public string FilePath { get; }
}
