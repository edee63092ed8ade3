using System.Runtime.InteropServices;

namespace VaeOnnx.Export;

/// <summary>
/// Swaps two directories in one step where the operating system can (Linux renameat2 with RENAME_EXCHANGE), so a
/// model folder is always either the old pair or the new one, even if the process is killed mid-way.
/// </summary>
internal static partial class AtomicDirectoryExchange
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>Exchanges <paramref name="a"/> and <paramref name="b"/> atomically; false when the system offers no atomic exchange.</summary>
    public static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
            int errno = Marshal.GetLastPInvokeError();
            // EINVAL/ENOSYS: the file system or kernel cannot exchange; any other error is a real failure.
            if (errno is 22 or 38) return false;
            throw new IOException($"cannot swap {a} and {b} (errno {errno})");
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }
}
