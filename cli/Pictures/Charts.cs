using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Pictures;

/// <summary>Charts of a run drawn with ScottPlot: the loss curves and the latent plane coloured by class.</summary>
public static class Charts
{
    /// <summary>Train and test negative ELBO per epoch.</summary>
    public static byte[] LossPng(IReadOnlyList<EpochMetrics> metrics, int width = 720, int height = 440)
    {
        var plot = new ScottPlot.Plot();
        PictureFont.Apply(plot);
        double[] epochs = metrics.Select(m => (double)m.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, metrics.Select(m => m.TrainNegElbo).ToArray());
        train.LegendText = "train -ELBO";
        var test = plot.Add.Scatter(epochs, metrics.Select(m => m.TestNegElbo).ToArray());
        test.LegendText = "test -ELBO";
        if (metrics.Any(m => m.ValidationNegElbo is not null))
        {
            var validation = plot.Add.Scatter(epochs, metrics.Select(m => m.ValidationNegElbo ?? double.NaN).ToArray());
            validation.LegendText = "validation -ELBO";
        }
        plot.Title("Negative ELBO per epoch");
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel("nats per sample");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        PictureFont.Apply(plot);
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    /// <summary>Latent means projected to two dimensions, one colour per class, with a legend.</summary>
    public static byte[] LatentPng(float[] latentMeans, int rows, int dims, int[] labels, IReadOnlyList<string>? classNames,
        int width = 760, int height = 600)
    {
        var (x, y) = PrincipalComponents.Project2D(latentMeans, rows, dims);
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var label in labels.Distinct().Order())
        {
            var index = Enumerable.Range(0, rows).Where(r => labels[r] == label).ToArray();
            var points = plot.Add.ScatterPoints(index.Select(i => x[i]).ToArray(), index.Select(i => y[i]).ToArray());
            points.Color = palette.GetColor(label % palette.Colors.Length);
            points.MarkerSize = 4;
            points.LegendText = classNames is not null && label < classNames.Count ? classNames[label] : $"class {label}";
        }
        plot.Title(dims == 2 ? "Latent means (z1, z2)" : $"Latent means, first two principal components of {dims} dims");
        plot.XLabel(dims == 2 ? "z1" : "PC 1");
        plot.YLabel(dims == 2 ? "z2" : "PC 2");
        plot.ShowLegend(ScottPlot.Edge.Right);
        PictureFont.Apply(plot);
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }
}
