using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;

namespace VaeOnnx.Export;

/// <summary>
/// Writes a model folder so that it is always either the old pair or the new one: the files go to a staging folder beside
/// the target, are flushed to disk, and the staging folder is swapped in whole. The staging folder is removed on failure.
/// </summary>
internal sealed class ModelFolderWriter : IDisposable
{
    private ModelFolderWriter(string target, string staging)
    {
        Target = target;
        Staging = staging;
    }

    /// <summary>The model folder to create or replace.</summary>
    public string Target { get; }

    /// <summary>Where the files are written before the swap.</summary>
    public string Staging { get; }

    /// <summary>Checks the target and creates its parent; refuses a non-empty folder unless <paramref name="force"/>.</summary>
    public static ModelFolderWriter Begin(string outFolder, bool force, string tag)
    {
        var full = Path.GetFullPath(outFolder);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !force)
            throw new OnnxExportException($"{full}: the model folder exists and is not empty; use --force to replace it");
        var parent = Path.GetDirectoryName(full) ?? throw new OnnxExportException($"{full}: not a valid model folder path");
        var writer = new ModelFolderWriter(full, Path.Combine(parent, $".{Path.GetFileName(full)}.export-{tag}"));
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(writer.Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxExportException($"{parent}: cannot create the output folder ({e.Message})", e);
        }
        return writer;
    }

    /// <summary>Writes a graph into the staging folder, flushed to disk before the folder is swapped in.</summary>
    public void WriteGraph(string fileName, IMessage graph)
    {
        try
        {
            AtomicFileWriter.Write(Path.Combine(Staging, fileName), graph.WriteTo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxExportException($"{Path.GetDirectoryName(Staging)}: cannot write the model files ({e.Message})", e);
        }
    }

    /// <summary>Size of a file written so far.</summary>
    public long Length(string fileName) => new FileInfo(Path.Combine(Staging, fileName)).Length;

    /// <summary>Swaps the staging folder in as <see cref="Target"/>.</summary>
    public void Commit()
    {
        if (!Directory.Exists(Target))
        {
            Directory.Move(Staging, Target);
            return;
        }
        // Replacing: swap the two folders in one step, then remove the old pair (now under the staging name).
        if (AtomicDirectoryExchange.TryExchange(Staging, Target))
        {
            Directory.Delete(Staging, recursive: true);
            return;
        }
        // No atomic exchange on this system: the old folder steps aside whole and the new one takes its name whole.
        var previous = Target + $".replaced-{Guid.NewGuid():N}"[..18];
        Directory.Move(Target, previous);
        Directory.Move(Staging, Target);
        Directory.Delete(previous, recursive: true);
    }

    /// <summary>Removes whatever is left of the staging folder.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }
}
