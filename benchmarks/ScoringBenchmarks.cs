using BenchmarkDotNet.Attributes;
using VaeOnnx.Cli.Bench;
using VaeOnnx.Inference;

namespace VaeOnnx.Benchmarks;

/// <summary>
/// Scoring 20,480 rows of the shipped reference model (784-400-20): raw batched ONNX Runtime (the ceiling), ML.NET's stock
/// ApplyOnnxModel, and the VaeOnnx chain. Run: dotnet run -c Release --project benchmarks -- --filter '*'
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private ScoringScenarios _scenarios = null!;

    /// <summary>Loads the model and the rows.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(FindRoot(), "models", "fashion-mnist-mlp");
        _scenarios = new ScoringScenarios(VaeModel.Load(folder), 20480);
    }

    /// <summary>Raw ONNX Runtime, encoder, batch 1024.</summary>
    [Benchmark(Baseline = true)] public double EncoderRawBatched() => _scenarios.RawBatched(decoder: false);
    /// <summary>Stock ApplyOnnxModel, encoder.</summary>
    [Benchmark] public double EncoderStockApplyOnnx() => _scenarios.StockApplyOnnx(decoder: false);
    /// <summary>VaeEncode chain.</summary>
    [Benchmark] public double EncoderChain() => _scenarios.Chain("encode").Seconds;
    /// <summary>Raw ONNX Runtime, decoder, batch 1024.</summary>
    [Benchmark] public double DecoderRawBatched() => _scenarios.RawBatched(decoder: true);
    /// <summary>Stock ApplyOnnxModel, decoder.</summary>
    [Benchmark] public double DecoderStockApplyOnnx() => _scenarios.StockApplyOnnx(decoder: true);
    /// <summary>VaeDecode chain.</summary>
    [Benchmark] public double DecoderChain() => _scenarios.Chain("decode").Seconds;
    /// <summary>VaeReconstruct chain.</summary>
    [Benchmark] public double ReconstructChain() => _scenarios.Chain("reconstruct").Seconds;
    /// <summary>VaeAnomalyScore chain.</summary>
    [Benchmark] public double AnomalyScoreChain() => _scenarios.Chain("score").Seconds;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeOnnx.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
