using System.Runtime.InteropServices;

namespace VaeOnnx.Training.Threading;

/// <summary>
/// Sets how the process's OpenMP runtime waits (the GNU OpenMP that LibTorch bundles, which oneDNN shares in this process).
/// GNU OpenMP reads OMP_WAIT_POLICY once, when it loads, so this works only before LibTorch's first use in the process.
/// </summary>
public static class OpenMpWaiting
{
    private const string Variable = "OMP_WAIT_POLICY";

    /// <summary>
    /// Sets OMP_WAIT_POLICY=PASSIVE in the native environment: a thread with no work then sleeps at once instead of
    /// spinning (GNU OpenMP's default spins about 300,000 times first), so it never burns the time slice a preempted team
    /// mate needs to reach the barrier on a machine whose cores other jobs share. Returns null when it applies, else the
    /// one line that says why not: the variable is set already (the user's choice stands), or an OpenMP runtime has
    /// loaded already (it would not read it).
    /// </summary>
    public static string? PreferPassive() =>
        PreferPassive(Marshal.PtrToStringAnsi(GetEnv(Variable)), LoadedLibraries(), value => SetEnv(Variable, value, 1));

    /// <summary>The decision of <see cref="PreferPassive()"/> on the given environment value and loaded libraries.</summary>
    internal static string? PreferPassive(string? current, IEnumerable<string> loadedLibraries, Func<string, int> set)
    {
        if (!string.IsNullOrEmpty(current))
            return $"--omp-passive: {Variable} is set to '{current}' in the environment; left as it is.";
        if (loadedLibraries.FirstOrDefault(IsOpenMpRuntime) is { } loaded)
            return $"--omp-passive: the OpenMP runtime {Path.GetFileName(loaded)} has loaded already and will not read {Variable}; set {Variable}=PASSIVE in the environment instead.";
        return set("PASSIVE") == 0 ? null : $"--omp-passive: setting {Variable} failed; set {Variable}=PASSIVE in the environment instead.";
    }

    private static bool IsOpenMpRuntime(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("libgomp", StringComparison.Ordinal) || name.StartsWith("libiomp", StringComparison.Ordinal) || name.StartsWith("libomp", StringComparison.Ordinal);
    }

    /// <summary>The shared libraries mapped into this process (Linux: /proc/self/maps; elsewhere none are known).</summary>
    private static IEnumerable<string> LoadedLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        // Each line ends with the mapped file's path after the fifth field; anonymous mappings have none.
        return File.ReadLines(maps)
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .Distinct()
            .ToList();
    }

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern nint GetEnv([MarshalAs(UnmanagedType.LPStr)] string name);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);
}
