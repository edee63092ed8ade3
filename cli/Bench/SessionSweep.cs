using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Cli.Commands;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Bench;

/// <summary>
/// <c>vae bench --sweep</c>: the encoder chain measured over a grid of session options (block size, intra-op threads, graph
/// optimisation level, spinning), each point against raw ONNX Runtime with the same options, so that the defaults of
/// <see cref="VaeSessionOptions"/> rest on figures from the machine that will run them.
/// </summary>
public static class SessionSweep
{
    private static readonly (string Name, GraphOptimizationLevel Level)[] Levels =
    [
        ("disable", GraphOptimizationLevel.ORT_DISABLE_ALL), ("basic", GraphOptimizationLevel.ORT_ENABLE_BASIC),
        ("extended", GraphOptimizationLevel.ORT_ENABLE_EXTENDED), ("layout", GraphOptimizationLevel.ORT_ENABLE_LAYOUT),
        ("all", GraphOptimizationLevel.ORT_ENABLE_ALL),
    ];

    /// <summary>The command-line name of a level.</summary>
    public static string LevelName(GraphOptimizationLevel level) =>
        Levels.FirstOrDefault(l => l.Level == level).Name ?? level.ToString();

    /// <summary>Parses "64,256,1024" (each at least 1) for <paramref name="option"/>.</summary>
    public static int[] ParseSizes(string option, string text, int minimum) => ParseList(option, text, part =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= minimum ? v : (int?)null,
        $"whole numbers of at least {minimum}");

    /// <summary>Parses "disable,basic,extended,all" for <paramref name="option"/>.</summary>
    public static GraphOptimizationLevel[] ParseLevels(string option, string text) => ParseList(option, text, part =>
        Levels.Where(l => l.Name == part).Select(l => (GraphOptimizationLevel?)l.Level).FirstOrDefault(),
        $"levels from {string.Join(", ", Levels.Select(l => l.Name))}");

    /// <summary>Parses "on", "off" or "on,off" for <paramref name="option"/>.</summary>
    public static bool[] ParseSwitches(string option, string text) => ParseList(option, text, part =>
        part switch { "on" => true, "off" => false, _ => (bool?)null }, "on, off or both");

    private static T[] ParseList<T>(string option, string text, Func<string, T?> parse, string expected) where T : struct
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CommandUsageException($"{option} is empty; expected a comma-separated list of {expected}.");
        var values = new List<T>();
        foreach (var part in parts)
        {
            var value = parse(part) ?? throw new CommandUsageException($"{option}: '{part}' is not valid; expected a comma-separated list of {expected}.");
            if (!values.Contains(value)) values.Add(value);
        }
        return values.ToArray();
    }

    /// <summary>Every combination, the default configuration first (it is the reference of the ratios and of the values).</summary>
    public static IReadOnlyList<SessionSweepPoint> Grid(int[] blocks, int[] threads, GraphOptimizationLevel[] levels, bool[] spinning)
    {
        var points = new List<SessionSweepPoint> { SessionSweepPoint.Default };
        foreach (var level in levels)
            foreach (var t in threads)
                foreach (var spin in spinning)
                    foreach (var block in blocks)
                    {
                        var point = new SessionSweepPoint(block, t, level, spin);
                        if (!points.Contains(point)) points.Add(point);
                    }
        return points;
    }

    /// <summary>Measures one point: the encoder chain and raw ONNX Runtime, both with the point's session options.</summary>
    /// <param name="scenarios">The rows, and the pair whose files are loaded again with the point's options.</param>
    /// <param name="point">The options.</param>
    /// <param name="reference">Posterior means of the first rows under the default options (null: this is the default).</param>
    /// <param name="checkRows">Rows whose means are compared.</param>
    /// <param name="means">The means this point computed, to serve as the reference of the others.</param>
    public static SessionSweepResult Measure(ScoringScenarios scenarios, SessionSweepPoint point, float[]? reference, int checkRows, out float[] means)
    {
        var baseModel = scenarios.Model;
        var model = VaeModel.Load(baseModel.EncoderPath, baseModel.DecoderPath, point.Apply(baseModel.Options), baseModel.Likelihood);
        means = scenarios.EncodeMeans(model, checkRows);
        double diff = 0;
        if (reference is not null)
            for (int i = 0; i < means.Length; i++) diff = Math.Max(diff, Math.Abs(means[i] - reference[i]));
        var (chainSeconds, _) = scenarios.Chain("encode", model);
        var (rawSeconds, rawRows) = scenarios.RawBatched(decoder: false, batch: point.BlockSize, model);
        return new SessionSweepResult(point, scenarios.RowCount / chainSeconds, rawRows / rawSeconds, diff);
    }
}
