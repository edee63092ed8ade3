using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Pictures;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae manifold</c>: for a model with a 2-D latent space, the classic picture of decoded images over the latent plane,
/// at the normal quantiles of an evenly spaced grid of probabilities (as in Kingma and Welling's figure).
/// </summary>
public static class ManifoldCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder of an image model with latent_dim 2.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Images per side of the grid.", DefaultValueFactory = _ => 20 }.Between(2, 100);
        var png = new Option<string>("--png") { Description = "PNG file to write.", DefaultValueFactory = _ => "manifold.png" };
        var command = new Command("manifold", """
            Decode a grid over the 2-D latent plane (z1, z2 at the normal quantiles of 0.05..0.95) into one picture.
            Examples:
              vae train --latent 2 --out runs/fmnist-2d && vae export --checkpoint runs/fmnist-2d --out models/fmnist-2d
              vae manifold --model models/fmnist-2d --steps 20 --png manifold.png
            """)
        { model, steps, png };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            int n = parse.GetValue(steps);
            var vae = VaeModel.Load(parse.GetValue(model)!);
            if (vae.LatentDim != 2) throw new CommandUsageException($"--model: the manifold needs latent_dim 2; this model has {vae.LatentDim} (train with --latent 2).");
            if (vae.Image is not { } image) throw new CommandUsageException($"--model: the manifold needs an image model; this one takes rows of shape {string.Join("x", vae.InputShape)}.");
            var grid = new List<LatentPoint>();
            for (int row = 0; row < n; row++)
                for (int col = 0; col < n; col++)
                {
                    // Top row = high z2, so the picture reads like a plot with z2 increasing upwards.
                    float z1 = (float)NormalQuantile(0.05 + 0.9 * col / (n - 1));
                    float z2 = (float)NormalQuantile(0.95 - 0.9 * row / (n - 1));
                    grid.Add(new LatentPoint { Z = [z1, z2] });
                }
            var ml = new MLContext(1);
            var schema = SchemaDefinition.Create(typeof(LatentPoint));
            schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
            var view = ml.Data.LoadFromEnumerable(grid, schema);
            var images = ml.Transforms.VaeDecode(vae, "Z", "Image").Fit(view).Transform(view)
                .GetColumn<VBuffer<float>>("Image").Select(v => v.DenseValues().ToArray()).ToArray();
            var rows = images.Chunk(n).Select(r => (IReadOnlyList<float[]>)r.ToList()).ToList();
            var path = parse.GetValue(png)!;
            VaeOnnx.Contract.IO.AtomicFileWriter.Write(path, s => s.Write(ImageGrid.RenderPng(rows, image, scale: 1)));
            parse.InvocationConfiguration.Error.WriteLine($"manifold: {n}x{n} images -> {path}");
            return 0;
        }));
        return command;
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        if (p <= 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "probability must be in (0, 1)");
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p < 0.02425)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425) return -NormalQuantile(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    private sealed class LatentPoint
    {
        public float[] Z { get; set; } = [];
    }
}
