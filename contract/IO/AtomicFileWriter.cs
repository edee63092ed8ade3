namespace VaeOnnx.Contract.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one, never a half-written file:
/// the bytes go to a temporary name in the same folder, are flushed to disk, and the file is renamed into place.
/// </summary>
public static class AtomicFileWriter
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the temporary file is removed and the old file is untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                // Flush to disk before the rename: otherwise a power cut can leave the new name pointing at empty blocks.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes text (UTF-8) atomically.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });
}
