using BenchmarkDotNet.Attributes;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Inference;

namespace VaeOnnx.Benchmarks;

/// <summary>
/// What the weights digest adds to loading the shipped reference pair (encoder 1.3 MB + decoder 1.3 MB): reading the
/// files, parsing them, the digest alone, the contract's reader (parse + digest, what every load and vae verify do) and a
/// whole <see cref="VaeModel.Load(string, VaeSessionOptions?, Likelihood?)"/> (ONNX Runtime sessions and probe runs included).
/// Run: dotnet run -c Release --project benchmarks -- --filter '*LoadBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class LoadBenchmarks
{
    private string _folder = "";
    private string[] _files = [];
    private ModelProto[] _parsed = [];

    /// <summary>Finds the pair and parses it once for the digest-only measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(ScoringBenchmarks.FindRoot(), "models", "fashion-mnist-mlp");
        _files = [Path.Combine(_folder, "encoder.onnx"), Path.Combine(_folder, "decoder.onnx")];
        _parsed = _files.Select(f => ModelProto.Parser.ParseFrom(File.ReadAllBytes(f))).ToArray();
    }

    /// <summary>File.ReadAllBytes of both graphs.</summary>
    [Benchmark(Baseline = true)] public long ReadBytes() => _files.Sum(f => (long)File.ReadAllBytes(f).Length);
    /// <summary>Read and parse both graphs with the contract's schema.</summary>
    [Benchmark] public int Parse() => _files.Sum(f => ModelProto.Parser.ParseFrom(File.ReadAllBytes(f)).Graph.Initializer.Count);
    /// <summary>The weights digests of both parsed graphs.</summary>
    [Benchmark] public int DigestOnly() => _parsed.Sum(m => WeightsDigest.Compute(m).Length);
    /// <summary>OnnxFile.Read of both graphs: read, parse, summarise, digest.</summary>
    [Benchmark] public int ReadWithDigest() => _files.Sum(f => OnnxFile.Read(f).WeightsDigest.Length);
    /// <summary>VaeModel.Load of the pair.</summary>
    [Benchmark] public int LoadPair() => VaeModel.Load(_folder).LatentDim;
}
