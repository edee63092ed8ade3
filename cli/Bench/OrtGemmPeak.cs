using System.Diagnostics;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Cli.Bench;

/// <summary>
/// The FP32 matrix-multiply peak of ONNX Runtime's MLAS in this process: one n x n x n MatMul graph with bound, reused
/// OrtValues. On the Zen 5 machines MLAS runs about twice as fast as libtorch's MKL, so a roofline that only asks
/// libtorch understates what the machine does (issue 13).
/// </summary>
public static class OrtGemmPeak
{
    /// <summary>GFLOP/s of the best of <paramref name="repetitions"/> products of [n, n] by an [n, n] initializer on <paramref name="threads"/> intra-op threads.</summary>
    public static double Gflops(int threads, int n = 2048, int repetitions = 10)
    {
        var random = new Random(1);
        var b = new float[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = (float)random.NextDouble();
        var graph = new OnnxGraphBuilder("gemm_peak");
        var x = graph.AddInput("x", n);
        var weights = graph.AddInitializer("b", b, n, n);
        graph.AddNode("MatMul", "matmul", [x, weights], "y");
        graph.AddOutput("y", n);
        var bytes = graph.BuildModel("bench", 1, "FP32 GEMM peak", []).ToByteArray();

        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(bytes, options);
        using var run = new RunOptions();
        var input = new float[n * n];
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        var output = new float[n * n];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [n, n]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [n, n]);
        string[] inputNames = ["x"], outputNames = ["y"];
        OrtValue[] inputs = [inputValue], outputs = [outputValue];
        for (int i = 0; i < 3; i++) session.Run(run, inputNames, inputs, outputNames, outputs);
        double best = 0;
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            session.Run(run, inputNames, inputs, outputNames, outputs);
            best = Math.Max(best, 2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}
