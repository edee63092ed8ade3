using System.Globalization;
using VaeOnnx.Cli.Pictures;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Report;

/// <summary>
/// Real-versus-synthetic histograms of one table column, drawn with ScottPlot: shares of rows per category or per bin.
/// Integer columns get whole-number bins (one per value when there are few), skewed non-negative amounts get logarithmic
/// bins (a spend column would otherwise put nearly every row in the first bar), and a "(blank)" bar appears only where
/// the real or the synthetic rows have blanks.
/// </summary>
public static class ColumnHistograms
{
    private const int MaxBins = 20;

    /// <summary>A PNG of column <paramref name="column"/>: real and synthetic shares side by side.</summary>
    public static byte[] Png(VaeTableRows real, VaeTableRows synthetic, int column, int width = 720, int height = 440)
    {
        var (labels, realShares, syntheticShares) = Shares(real, synthetic, column);
        var plot = new ScottPlot.Plot();
        PictureFont.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < labels.Length; i++)
        {
            bars.Add(new ScottPlot.Bar { Position = 3 * i, Value = realShares[i], FillColor = palette.GetColor(0) });
            bars.Add(new ScottPlot.Bar { Position = 3 * i + 1, Value = syntheticShares[i], FillColor = palette.GetColor(1) });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(labels.Select((_, i) => 3.0 * i + 0.5).ToArray(), labels);
        // About 8 pixels a character: slant the labels only when the longest would not fit the width of its bars.
        if (labels.Max(l => l.Length) * 8 > (width - 100) / labels.Length) Slant(plot, labels);
        plot.Legend.FontName = PictureFont.Family;
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "real", FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "synthetic", FillColor = palette.GetColor(1) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        var c = real.Schema.Columns[column];
        plot.Title($"{c.Name} ({EnumText.Of(c.Kind)}): real vs synthetic");
        plot.YLabel("share of rows");
        plot.Axes.Margins(bottom: 0, top: 0.25); // headroom: the legend sits above the tallest bar
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    /// <summary>Tick labels at 45 degrees, hanging from their ticks, with room below the axis for the longest one.</summary>
    private static void Slant(ScottPlot.Plot plot, string[] labels)
    {
        var style = plot.Axes.Bottom.TickLabelStyle;
        style.Rotation = 45;
        style.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 20 + 0.71f * 8 * labels.Max(l => l.Length);
    }

    /// <summary>The bars of column <paramref name="column"/>'s histogram: each label, and the share of real and of synthetic rows under it.</summary>
    public static (string[] Labels, double[] Real, double[] Synthetic) Shares(VaeTableRows real, VaeTableRows synthetic, int column)
    {
        var c = real.Schema.Columns[column];
        if (c.IsText)
        {
            var values = (c.Categories ?? [c.FalseText!, c.TrueText!]).ToList();
            if (HasBlank(real, column) || HasBlank(synthetic, column)) values.Add("");
            double[] Of(VaeTableRows rows) => values.Select(l => ((string[])rows.Columns[column]).Count(v => v == l) / (double)Math.Max(1, rows.Count)).ToArray();
            return (values.Select(l => l.Length == 0 ? "(blank)" : l).ToArray(), Of(real), Of(synthetic));
        }
        var edges = Edges(c.Kind == ColumnKind.Integer, ((float[])real.Columns[column]).Where(v => !float.IsNaN(v)).ToArray());
        bool blanks = HasBlank(real, column) || HasBlank(synthetic, column);
        int bins = edges.Length - 1;
        double[] Hist(VaeTableRows rows)
        {
            var counts = new double[bins + (blanks ? 1 : 0)];
            foreach (var v in (float[])rows.Columns[column]) counts[float.IsNaN(v) ? bins : Bin(edges, v)]++;
            return counts.Select(n => n / Math.Max(1, rows.Count)).ToArray();
        }
        var labels = Enumerable.Range(0, bins).Select(i => Label(edges, i, c.Kind == ColumnKind.Integer));
        return ((blanks ? labels.Append("(blank)") : labels).ToArray(), Hist(real), Hist(synthetic));
    }

    private static bool HasBlank(VaeTableRows rows, int column) => rows.Columns[column] switch
    {
        float[] numbers => numbers.Any(float.IsNaN),
        string[] texts => texts.Any(t => t.Length == 0),
        _ => false,
    };

    /// <summary>
    /// Bin edges over the real values: one bin per value for an integer column of at most <see cref="MaxBins"/> values;
    /// logarithmic (on log(1 + x)) for a non-negative column whose largest value is over 20 times its 90th percentile plus
    /// one; else equal widths, whole numbers for an integer column. Edges are increasing; the last bin includes its top.
    /// </summary>
    private static double[] Edges(bool integer, float[] values)
    {
        if (values.Length == 0) return [0, 1];
        Array.Sort(values);
        double min = values[0], max = values[^1];
        if (integer && max - min < MaxBins) return Enumerable.Range(0, (int)(max - min) + 2).Select(i => min + i).ToArray();
        if (max == min) return [min, min + 1];
        double p90 = values[(int)(0.9 * (values.Length - 1))];
        if (min >= 0 && max > 20 * (p90 + 1))
        {
            var log = Enumerable.Range(0, MaxBins + 1).Select(i => Math.Exp(Math.Log(1 + min) + i * (Math.Log(1 + max) - Math.Log(1 + min)) / MaxBins) - 1);
            return (integer ? log.Select(e => Math.Round(e)).Append(max + 1) : log.Select((e, i) => i == MaxBins ? max : e)).Distinct().ToArray();
        }
        if (!integer) return Enumerable.Range(0, MaxBins + 1).Select(i => i == MaxBins ? max : min + i * (max - min) / MaxBins).ToArray();
        double step = Math.Ceiling((max - min + 1) / MaxBins);
        return Enumerable.Range(0, (int)Math.Ceiling((max - min + 1) / step) + 1).Select(i => min + i * step).ToArray();
    }

    /// <summary>The bin of <paramref name="value"/>; values beyond the real range fall in the first or the last bin.</summary>
    private static int Bin(double[] edges, double value)
    {
        int i = Array.BinarySearch(edges, value);
        if (i < 0) i = ~i - 1;
        return Math.Clamp(i, 0, edges.Length - 2);
    }

    /// <summary>A bin's label: its value for a one-value integer bin, else its range ("250-500").</summary>
    private static string Label(double[] edges, int i, bool integer)
    {
        var c = CultureInfo.InvariantCulture;
        if (integer)
        {
            double top = edges[i + 1] - 1;
            return top <= edges[i] ? edges[i].ToString("0", c) : $"{edges[i].ToString("0", c)}-{top.ToString("0", c)}";
        }
        return $"{Compact(edges[i])}-{Compact(edges[i + 1])}";
    }

    private static string Compact(double value) => value.ToString(Math.Abs(value) >= 1000 ? "0" : "G3", CultureInfo.InvariantCulture);
}
