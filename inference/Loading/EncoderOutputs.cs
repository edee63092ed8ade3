using System.Globalization;
using System.Text.RegularExpressions;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Which encoder output is the mean of q(z|x), which its spread (and in what form), and which are ignored. Names decide
/// where they say something: a name whose words contain mu/mean/loc is the mean; logvar/log_var/z_log_var the
/// log-variance; log_sigma/log_std the log standard deviation; sigma/std/stddev/scale the standard deviation; var/variance
/// the variance; an output named z or sample (a draw from q, as Keras' example writes it) is ignored. Words are split at
/// separators, digits and camelCase (a leading z or q is allowed: zmean), and the longest matching word wins (z_log_var is
/// a log-variance, not a variance).
/// Without telling names, an encoder with exactly two outputs gives the mean first and the log-variance second.
/// </summary>
internal static partial class EncoderOutputs
{
    private enum Role { Unknown, Sample, Mean, Spread }

    private static readonly (string Word, Role Role, SpreadKind Kind)[] Words =
    [
        ("mu", Role.Mean, default), ("mean", Role.Mean, default), ("loc", Role.Mean, default),
        ("logvar", Role.Spread, SpreadKind.LogVariance), ("logvariance", Role.Spread, SpreadKind.LogVariance),
        ("logsigma", Role.Spread, SpreadKind.LogStandardDeviation), ("logstd", Role.Spread, SpreadKind.LogStandardDeviation),
        ("logstddev", Role.Spread, SpreadKind.LogStandardDeviation), ("logscale", Role.Spread, SpreadKind.LogStandardDeviation),
        ("sigma", Role.Spread, SpreadKind.StandardDeviation), ("std", Role.Spread, SpreadKind.StandardDeviation),
        ("stddev", Role.Spread, SpreadKind.StandardDeviation), ("scale", Role.Spread, SpreadKind.StandardDeviation),
        ("var", Role.Spread, SpreadKind.Variance), ("variance", Role.Spread, SpreadKind.Variance),
    ];

    private static readonly string[] SampleNames = ["z", "sample", "zsample", "samples", "sampled", "zsampled"];

    /// <summary>What the names promise, for messages.</summary>
    public const string NamingRule = "name the mean mu, mean or z_mean and the spread logvar, log_var or z_log_var (or sigma/std for a standard deviation, var for a variance); an output named z (a sampled latent) is ignored";

    /// <summary>Picks the mean and spread outputs of <paramref name="graph"/>, or says what the encoder would need.</summary>
    public static (OnnxValueInfo Mean, OnnxValueInfo Spread, SpreadKind Kind, IReadOnlyList<OnnxValueInfo> Ignored) Pick(LoadedGraph graph)
    {
        var outputs = graph.Summary.Outputs;
        var roles = outputs.Select(o => (Value: o, Match: Classify(o.Name))).ToArray();
        var candidates = roles.Where(r => r.Match.Role != Role.Sample).ToArray();
        var samples = roles.Where(r => r.Match.Role == Role.Sample).Select(r => r.Value).ToArray();
        if (candidates.Length < 2)
        {
            var besides = samples.Length > 0 ? $" besides the sampled {List(samples)}" : "";
            throw graph.Problem($"{Count(candidates.Length, "output")}{besides} ({List(outputs)}); an encoder has two outputs, the mean and the log-variance of q(z|x) (mu [N, L] and logvar [N, L]): export them as two outputs (after torch's chunk(2, dim=1), give output_names=[\"mu\", \"logvar\"])");
        }
        var means = candidates.Where(r => r.Match.Role == Role.Mean).ToArray();
        var spreads = candidates.Where(r => r.Match.Role == Role.Spread).ToArray();
        if (means.Length > 1)
            throw graph.Problem($"outputs {List(means.Select(m => m.Value))} {(means.Length == 2 ? "both" : "all")} look like the mean of q(z|x) (their names say mu, mean or loc); expected exactly one mean output: rename the others, or export only mu and logvar");
        if (spreads.Length > 1)
            throw graph.Problem($"outputs {List(spreads.Select(m => m.Value))} {(spreads.Length == 2 ? "both" : "all")} look like the spread of q(z|x) (log-variance, standard deviation or variance by name); expected exactly one: rename the others, or export only mu and logvar");
        if (means.Length == 1 && spreads.Length == 1)
            return (means[0].Value, spreads[0].Value, spreads[0].Match.Kind, Ignored(outputs, means[0].Value, spreads[0].Value));
        if (candidates.Length == 2)
        {
            // One telling name decides the other; without any, the order of the outputs does (mean first).
            var (mean, spread) = spreads.Length == 1 ? (candidates.First(c => c.Match.Role != Role.Spread), spreads[0])
                : means.Length == 1 ? (means[0], candidates.First(c => c.Match.Role != Role.Mean))
                : (candidates[0], candidates[1]);
            var kind = spread.Match.Role == Role.Spread ? spread.Match.Kind : SpreadKind.LogVariance;
            return (mean.Value, spread.Value, kind, Ignored(outputs, mean.Value, spread.Value));
        }
        var known = means.Length == 1 ? $"'{means[0].Value.Name}' is the mean, but which of the others is the log-variance is not said"
            : spreads.Length == 1 ? $"'{spreads[0].Value.Name}' is the spread, but which of the others is the mean is not said"
            : "no name says which is the mean and which the log-variance";
        throw graph.Problem($"{outputs.Count} outputs ({List(outputs)}): {known}; expected outputs that say what they are: {NamingRule}");
    }

    private static IReadOnlyList<OnnxValueInfo> Ignored(IReadOnlyList<OnnxValueInfo> outputs, OnnxValueInfo mean, OnnxValueInfo spread) =>
        outputs.Where(o => o.Name != mean.Name && o.Name != spread.Name).ToArray();

    private static (Role Role, SpreadKind Kind) Classify(string name)
    {
        var words = Split(name);
        if (SampleNames.Contains(string.Concat(words))) return (Role.Sample, default);
        (Role Role, SpreadKind Kind, int Length) best = (Role.Unknown, default, 0);
        for (int start = 0; start < words.Length; start++)
            for (int end = start + 1; end <= words.Length; end++)
            {
                var joined = string.Concat(words[start..end]);
                // "zmean", "qlogvar": a latent's letter glued to the word.
                var unprefixed = joined.Length > 1 && joined[0] is 'z' or 'q' ? joined[1..] : joined;
                foreach (var (word, role, kind) in Words)
                    if ((joined == word || unprefixed == word) && word.Length > best.Length) best = (role, kind, word.Length);
            }
        return (best.Role, best.Kind);
    }

    /// <summary>Lower-case words of a value name: "encoder/z_logVar:0" gives encoder, z, log, var.</summary>
    private static string[] Split(string name) =>
        WordPattern().Matches(name).Select(m => m.Value.ToLowerInvariant()).Where(w => !w.All(char.IsAsciiDigit)).ToArray();

    [GeneratedRegex("[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")]
    private static partial Regex WordPattern();

    private static string List(IEnumerable<OnnxValueInfo> values) => string.Join(", ", values.Select(v => $"'{v.Name}' {v.ShapeText}"));

    private static string Count(int n, string what) => $"{n.ToString(CultureInfo.InvariantCulture)} {what}{(n == 1 ? "" : "s")}";
}
