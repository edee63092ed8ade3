using System.Diagnostics;
using TorchSharp;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Optim;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Cli.Bench;

/// <summary>Training throughput of the reference configuration, against the machine's FP32 matrix-multiply peak measured in the same run.</summary>
public static class TrainingScenario
{
    /// <summary>GFLOP/s of a 2048^3 FP32 matrix product in LibTorch with the current thread count (best of the repetitions).</summary>
    public static double GemmPeakGflops(int repetitions = 10)
    {
        using var scope = NewDisposeScope();
        var a = rand(2048, 2048);
        var b = rand(2048, 2048);
        for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
        double best = 0;
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            a.matmul(b).Dispose();
            best = Math.Max(best, 2.0 * 2048 * 2048 * 2048 / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>Multiply-adds x 2 of one forward pass of an MLP architecture (both heads and the decoder).</summary>
    public static double ForwardFlops(VaeArchitecture a)
    {
        double flops = 0;
        int width = a.InputDim;
        foreach (var h in a.Hidden) { flops += 2.0 * width * h; width = h; }
        flops += 2 * 2.0 * width * a.LatentDim;
        width = a.LatentDim;
        foreach (var h in a.Hidden.Reverse()) { flops += 2.0 * width * h; width = h; }
        return flops + 2.0 * width * a.InputDim;
    }

    /// <summary>
    /// Samples/s of the last of <paramref name="epochs"/> epochs (the first ones warm LibTorch up) of the reference
    /// configuration, or of <paramref name="architecture"/>, on <paramref name="train"/> with the GEMM route <paramref name="gemm"/>.
    /// </summary>
    public static double TrainingSamplesPerSecond(VaeDataset train, VaeDataset test, int threads, int epochs = 3,
        GemmBackend gemm = GemmBackend.LibTorch, VaeArchitecture? architecture = null) =>
        TrainingSamplesPerSecond(train, test, new TrainingOptions { Epochs = epochs, Threads = threads, Seed = 1, Gemm = gemm }, architecture);

    /// <summary>Samples/s of the last epoch of a run with <paramref name="options"/> (the first epochs warm LibTorch up).</summary>
    public static double TrainingSamplesPerSecond(VaeDataset train, VaeDataset test, TrainingOptions options, VaeArchitecture? architecture = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vaeonnx-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var data = new TrainingData(train, null, test, FeatureScaling.Identity(train.FeatureCount), new DatasetDescription { Name = "bench", Source = train.Source });
            var result = new VaeTrainer(options)
                .Train(architecture ?? new VaeArchitecture { InputShape = [train.FeatureCount] }, data, folder);
            result.Model.Dispose();
            return result.Checkpoint.Metrics[^1].SamplesPerSecond;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The best samples/s of each training route (<see cref="Routes"/>) over <paramref name="rounds"/> rounds that alternate them, so that a busy spell
    /// of a shared machine does not fall on one route only. Routes that cannot run here (no OpenBLAS, no oneDNN) are left out.
    /// </summary>
    public static Dictionary<string, double> CompareRoutes(VaeDataset train, VaeDataset test, int threads, int rounds = 2)
    {
        var routes = Routes(threads);
        var best = routes.ToDictionary(r => r.Key, _ => 0.0);
        for (int round = 0; round < rounds; round++)
            foreach (var (name, options) in round % 2 == 0 ? routes : Enumerable.Reverse(routes))
                best[name] = Math.Max(best[name], TrainingSamplesPerSecond(train, test, options));
        return best;
    }

    /// <summary>Name of the default route (LibTorch's GEMM and TorchSharp's per-tensor Adam) in <see cref="CompareRoutes"/>.</summary>
    public const string DefaultRoute = "libtorch";

    /// <summary>
    /// The routes the bench alternates: the default; the flat Adam; and, for each of OpenBLAS and oneDNN that loads here,
    /// its GEMM on the same threads and the thread split (LibTorch on one thread, the library on <paramref name="threads"/>)
    /// with the flat Adam.
    /// </summary>
    private static List<KeyValuePair<string, TrainingOptions>> Routes(int threads)
    {
        var baseline = new TrainingOptions { Epochs = 3, Threads = threads, Seed = 1 };
        var routes = new List<KeyValuePair<string, TrainingOptions>>
        {
            new(DefaultRoute, baseline),
            new("flat_adam", baseline with { AdamUpdate = AdamUpdate.Flat }),
            new("fused_adam", baseline with { AdamUpdate = AdamUpdate.Fused }),
        };
        if (OpenBlasLibrary.IsAvailable)
        {
            routes.Add(new("openblas", baseline with { Gemm = GemmBackend.OpenBlas }));
            routes.Add(new("split_flat", baseline with { Gemm = GemmBackend.OpenBlas, Threads = 1, GemmThreads = threads, AdamUpdate = AdamUpdate.Flat }));
        }
        if (OneDnnLibrary.IsAvailable)
        {
            routes.Add(new("onednn", baseline with { Gemm = GemmBackend.OneDnn }));
            routes.Add(new("onednn_flat", baseline with { Gemm = GemmBackend.OneDnn, AdamUpdate = AdamUpdate.Flat }));
            routes.Add(new("onednn_fused", baseline with { Gemm = GemmBackend.OneDnn, AdamUpdate = AdamUpdate.Fused }));
            routes.Add(new("onednn_split_flat", baseline with { Gemm = GemmBackend.OneDnn, Threads = 1, GemmThreads = threads, AdamUpdate = AdamUpdate.Flat }));
        }
        return routes;
    }
}
