using VaeOnnx.Cli.Pictures;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Report;

/// <summary>Real-versus-synthetic histograms of one table column, drawn with ScottPlot: shares of rows per category or per bin.</summary>
public static class ColumnHistograms
{
    /// <summary>A PNG of column <paramref name="column"/>: real and synthetic shares side by side.</summary>
    public static byte[] Png(VaeTableRows real, VaeTableRows synthetic, int column, int width = 720, int height = 420)
    {
        var (labels, realShares, syntheticShares) = Shares(real, synthetic, column);
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < labels.Length; i++)
        {
            bars.Add(new ScottPlot.Bar { Position = 3 * i, Value = realShares[i], FillColor = palette.GetColor(0) });
            bars.Add(new ScottPlot.Bar { Position = 3 * i + 1, Value = syntheticShares[i], FillColor = palette.GetColor(1) });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(labels.Select((_, i) => 3.0 * i + 0.5).ToArray(), labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = labels.Length > 6 ? 45 : 0;
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "real", FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "synthetic", FillColor = palette.GetColor(1) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        var c = real.Schema.Columns[column];
        plot.Title($"{c.Name} ({EnumText.Of(c.Kind)}): real vs synthetic");
        plot.YLabel("share of rows");
        plot.Axes.Margins(bottom: 0);
        PictureFont.Apply(plot);
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    private static (string[] Labels, double[] Real, double[] Synthetic) Shares(VaeTableRows real, VaeTableRows synthetic, int column)
    {
        var c = real.Schema.Columns[column];
        if (c.IsText)
        {
            var labels = (c.Categories ?? [c.FalseText!, c.TrueText!]).Append("").ToArray();
            double[] Of(VaeTableRows rows) => labels.Select(l => ((string[])rows.Columns[column]).Count(v => v == l) / (double)Math.Max(1, rows.Count)).ToArray();
            return (labels.Select(l => l.Length == 0 ? "(blank)" : l).ToArray(), Of(real), Of(synthetic));
        }
        var values = ((float[])real.Columns[column]).Where(v => !float.IsNaN(v)).ToArray();
        double min = values.Length > 0 ? values.Min() : 0, max = values.Length > 0 ? values.Max() : 1;
        int bins = c.Kind == ColumnKind.Integer && max - min < 20 ? (int)(max - min) + 1 : 20;
        double width = max > min ? (max - min) / bins : 1;
        double[] Hist(VaeTableRows rows)
        {
            var counts = new double[bins + 1];
            foreach (var v in (float[])rows.Columns[column]) counts[float.IsNaN(v) ? bins : Math.Clamp((int)((v - min) / width), 0, bins - 1)]++;
            return counts.Select(n => n / Math.Max(1, rows.Count)).ToArray();
        }
        var names = Enumerable.Range(0, bins).Select(i => (min + i * width).ToString(max - min >= 10 ? "0" : "0.##", System.Globalization.CultureInfo.InvariantCulture)).Append("(blank)").ToArray();
        return (names, Hist(real), Hist(synthetic));
    }
}
