using BenchmarkDotNet.Attributes;
using VaeOnnx.Cli.Bench;
using VaeOnnx.Inference;

namespace VaeOnnx.Benchmarks;

/// <summary>
/// Scoring 20,480 rows of the shipped reference model (784-400-20) in steady state (sessions and fitted transformers made
/// in set-up): raw batched ONNX Runtime (the ceiling), ML.NET's stock ApplyOnnxModel, and the VaeOnnx chain.
/// Run: dotnet run -c Release --project benchmarks -- --filter '*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private ScoringScenarios _scenarios = null!;
    private RawBatchScorer _rawEncoder = null!, _rawDecoder = null!;
    private PreparedScoring _stockEncoder = null!, _stockDecoder = null!, _encode = null!, _decode = null!, _reconstruct = null!, _score = null!;

    /// <summary>Loads the model, the rows, and fits every scorer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(FindRoot(), "models", "fashion-mnist-mlp");
        _scenarios = new ScoringScenarios(VaeModel.Load(folder), 20480);
        _rawEncoder = _scenarios.PrepareRaw(decoder: false);
        _rawDecoder = _scenarios.PrepareRaw(decoder: true);
        _stockEncoder = _scenarios.PrepareStock(decoder: false);
        _stockDecoder = _scenarios.PrepareStock(decoder: true);
        _encode = _scenarios.PrepareChain("encode");
        _decode = _scenarios.PrepareChain("decode");
        _reconstruct = _scenarios.PrepareChain("reconstruct");
        _score = _scenarios.PrepareChain("score");
    }

    /// <summary>Raw ONNX Runtime, encoder, batch 1024.</summary>
    [Benchmark(Baseline = true)] public int EncoderRawBatched() => _rawEncoder.Run();
    /// <summary>Stock ApplyOnnxModel, encoder.</summary>
    [Benchmark] public long EncoderStockApplyOnnx() => _stockEncoder.Score();
    /// <summary>VaeEncode chain.</summary>
    [Benchmark] public long EncoderChain() => _encode.Score();
    /// <summary>Raw ONNX Runtime, decoder, batch 1024.</summary>
    [Benchmark] public int DecoderRawBatched() => _rawDecoder.Run();
    /// <summary>Stock ApplyOnnxModel, decoder.</summary>
    [Benchmark] public long DecoderStockApplyOnnx() => _stockDecoder.Score();
    /// <summary>VaeDecode chain.</summary>
    [Benchmark] public long DecoderChain() => _decode.Score();
    /// <summary>VaeReconstruct chain.</summary>
    [Benchmark] public long ReconstructChain() => _reconstruct.Score();
    /// <summary>VaeAnomalyScore chain.</summary>
    [Benchmark] public long AnomalyScoreChain() => _score.Score();

    /// <summary>Closes the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var d in new IDisposable[] { _rawEncoder, _rawDecoder, _stockEncoder, _stockDecoder, _encode, _decode, _reconstruct, _score }) d.Dispose();
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeOnnx.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
