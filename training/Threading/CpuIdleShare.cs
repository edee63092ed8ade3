using System.Globalization;

namespace VaeOnnx.Training.Threading;

/// <summary>
/// The share of the machine's CPU time that was idle over a short window, from the kernel's counters (/proc/stat), so
/// that a run can see other jobs keeping cores busy now rather than the load average of the last minute.
/// </summary>
public static class CpuIdleShare
{
    /// <summary>Idle share (0 to 1) of all CPUs over <paramref name="window"/>; null where /proc/stat cannot be read.</summary>
    public static double? Measure(TimeSpan window)
    {
        const string stat = "/proc/stat";
        if (!File.Exists(stat)) return null;
        var before = Parse(File.ReadLines(stat).First());
        Thread.Sleep(window);
        var after = Parse(File.ReadLines(stat).First());
        if (before is null || after is null) return null;
        double total = after.Value.Total - before.Value.Total;
        return total > 0 ? (after.Value.Idle - before.Value.Idle) / total : null;
    }

    /// <summary>
    /// Idle (idle + iowait) and total jiffies of /proc/stat's aggregate "cpu" line; null for any other line. Guest time
    /// is already counted in user and nice, so the two guest columns are left out of the total.
    /// </summary>
    internal static (double Idle, double Total)? Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu") return null;
        var values = fields.Skip(1).Take(8).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        double idle = values[3] + (values.Length > 4 ? values[4] : 0);
        return (idle, values.Sum());
    }
}
