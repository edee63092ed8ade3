using System.Globalization;
using System.Text;
using System.Text.Json;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Report;

/// <summary>
/// The report of a table model on a table: synthetic quality with SDMetrics' definitions (<see cref="QualityMetrics"/>),
/// a real-versus-synthetic histogram PNG per column, and the most anomalous rows, named by their ids (or lines), with their
/// top contributing columns, and the privacy of the synthetic rows (<see cref="RecordDistances"/>: exact copies of real rows,
/// and with a holdout the share of synthetic rows closer to the training rows than to rows the model never saw).
/// Writes report.md, quality.json and hist-&lt;column&gt;.png into a folder.
/// </summary>
public static class TableReport
{
    /// <summary>Rows of the anomaly table.</summary>
    public const int TopRows = 10;

    /// <summary>
    /// Writes the report of <paramref name="model"/> on the rows of <paramref name="real"/> (from <paramref name="dataName"/>) into
    /// <paramref name="folder"/>, scoring <paramref name="given"/> synthetic rows (another method's, for comparison) or, when
    /// null, <paramref name="count"/> rows the model draws with <paramref name="seed"/>; <paramref name="holdout"/>, rows the model
    /// never trained on, for the privacy comparison. Returns the quality and privacy figures.
    /// </summary>
    public static (QualityScores Quality, PrivacyScores Privacy) Write(VaeModel model, ReportRows real, string dataName, string folder, int count, int seed,
        VaeTableRows? given = null, VaeTableRows? holdout = null)
    {
        Directory.CreateDirectory(folder);
        VaeTableRows synthetic;
        if (given is not null) synthetic = given;
        else
        {
            using var synthesizer = new VaeTableSynthesizer(model);
            synthetic = synthesizer.Sample(count, seed);
        }
        count = synthetic.Count;
        var quality = QualityMetrics.Compare(real.Rows, synthetic);
        var privacy = RecordDistances.Measure(real.Rows, synthetic, holdout);
        var schema = model.Table!;
        var pictures = new List<string>();
        for (int j = 0; j < schema.Columns.Count; j++)
        {
            var file = $"hist-{SafeName(schema.Columns[j].Name)}.png";
            var png = ColumnHistograms.Png(real.Rows, synthetic, j);
            AtomicFileWriter.Write(Path.Combine(folder, file), s => s.Write(png));
            pictures.Add(file);
        }
        var scores = TableScoreOutput.Score(model, real.Rows);
        var markdown = Markdown(model, real, dataName, count, seed, quality, scores, pictures) + PrivacyMarkdown(privacy);
        AtomicFileWriter.WriteText(Path.Combine(folder, "report.md"), markdown);
        AtomicFileWriter.WriteText(Path.Combine(folder, "quality.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["overall"] = quality.Overall, ["column_shapes"] = quality.ColumnShapesScore, ["column_pair_trends"] = quality.PairTrendsScore,
            ["columns"] = quality.ColumnShapes, ["pairs"] = quality.PairTrends, ["real_rows"] = real.Rows.Count, ["synthetic_rows"] = count, ["seed"] = seed,
            ["anomalies_flagged"] = scores.IsAnomaly.Count(a => a), ["threshold"] = schema.Threshold?.Score ?? float.NaN,
            ["exact_copies"] = privacy.ExactCopies, ["dcr_median"] = privacy.MedianDistance,
            ["dcr_closer_to_training"] = privacy.CloserToTraining is { } share ? share : double.NaN,
        }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        return (quality, privacy);
    }

    private static string Markdown(VaeModel model, ReportRows realRows, string dataName, int count, int seed, QualityScores quality, TableScores scores, List<string> pictures)
    {
        var c = CultureInfo.InvariantCulture;
        var (schema, real) = (model.Table!, realRows.Rows);
        var text = new StringBuilder();
        text.Append(c, $"# Table model report\n\nModel pair `{model.PairId}`, data `{dataName}` ({real.Count} rows), {count} synthetic rows (seed {seed}).\n\n");
        text.Append(c, $"## Synthetic quality (SDMetrics definitions)\n\n| score | value |\n|---|---|\n| overall | **{quality.Overall:F3}** |\n| column shapes | {quality.ColumnShapesScore:F3} |\n| column-pair trends | {quality.PairTrendsScore:F3} |\n\n");
        text.Append("| column | kind | shape score |\n|---|---|---|\n");
        foreach (var column in schema.Columns) text.Append(c, $"| {column.Name} | {EnumText.Of(column.Kind)} | {quality.ColumnShapes[column.Name]:F3} |\n");
        text.Append("\nWeakest column pairs:\n\n| pair | trend score |\n|---|---|\n");
        foreach (var (pair, value) in quality.PairTrends.OrderBy(p => p.Value).Take(5)) text.Append(c, $"| {pair} | {value:F3} |\n");
        var threshold = schema.Threshold;
        text.Append(c, $"\n## Most unusual rows\n\n{scores.IsAnomaly.Count(a => a)} of {real.Count} rows score at or above the anomaly threshold {threshold?.Score:R} (calibrated at a false-alarm rate of {threshold?.FalseAlarmRate:P1}{(threshold?.Warning is { } warning ? "; " + warning : "")}).\n\n");
        text.Append("A row's score is the sum of its columns' contributions (nats): each column's likelihood term plus its share of the KL term, ");
        text.Append("shared in proportion to the column's positive term. A category or flag spelling never seen in training, or a number far outside ");
        text.Append("the training range, is always the row's top column and flags the row. A negative contribution is a number more probable than ");
        text.Append("usual: that column argues for an ordinary row.\n\n");
        text.Append(c, $"| {Escape(realRows.NameHeader)} | score | anomaly | top columns (nats) |\n|---|---|---|---|\n");
        foreach (int r in Enumerable.Range(0, real.Count).OrderByDescending(r => scores.Score[r]).Take(TopRows))
        {
            var top = scores.Contributions[r].Select((v, j) => (v, j)).OrderByDescending(p => p.v).Take(3)
                .Select(p => string.Create(c, $"{schema.Columns[p.j].Name} = '{real.Cell(r, p.j)}' ({p.v:F1})"));
            text.Append(c, $"| {Escape(realRows.Names[r])} | {scores.Score[r]:F2} | {(scores.IsAnomaly[r] ? "yes" : "no")} | {string.Join("; ", top)} |\n");
        }
        text.Append("\n## Columns, real vs synthetic\n\n");
        foreach (var picture in pictures) text.Append(c, $"![{picture}]({picture})\n");
        return text.ToString();
    }

    private static string PrivacyMarkdown(PrivacyScores p)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("\n## Privacy: distance to closest record\n\n");
        text.Append(c, $"{p.SyntheticRows} synthetic rows against {p.TrainingRows} real rows (the report's data). The distance of two rows is the mean over the columns of a number's difference over the column's range and 0/1 for text; 0 is an exact copy.\n\n");
        text.Append(c, $"| figure | value |\n|---|---|\n| exact copies of a real row | {p.ExactCopies} ({p.ExactCopies / (double)Math.Max(1, p.SyntheticRows):P1}) |\n| median distance to the closest real row | {p.MedianDistance:F4} |\n");
        text.Append(p.CloserToTraining is { } share
            ? string.Create(c, $"| closer to the real rows than to the {p.HoldoutRows} holdout rows | {share:P1} (about 50% is ideal; much more suggests memorised rows) |\n")
            : "| closer to the real rows than to a holdout | not measured: pass --holdout with rows the model never trained on |\n");
        return text.ToString();
    }

    /// <summary>A cell's text inside a Markdown table, where a bar would end the cell.</summary>
    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);

    private static string SafeName(string name) => string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_'));
}
