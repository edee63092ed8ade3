using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>Runs a graph once at load and compares the output shapes with the declared ones.</summary>
internal static class LoadProbe
{
    /// <summary>Two rows where the batch is symbolic, so that a graph which only works for a batch of one is found too.</summary>
    public static void Run(LoadedGraph graph, int rows, string input, int inputDim, (string Name, int Dim)[] outputs) =>
        Run(graph, rows, [(input, [inputDim])], outputs.Select(o => (o.Name, new long[] { o.Dim })).ToArray());

    /// <summary>
    /// Runs <paramref name="graph"/> on <paramref name="rows"/> rows of every input (each [rows, dims...], filled with 0.5)
    /// and checks that each output comes back as [rows, dims...].
    /// </summary>
    public static void Run(LoadedGraph graph, int rows, (string Name, long[] Dims)[] inputs, (string Name, long[] Dims)[] outputs)
    {
        string Declared(long[] dims) => $"[{(rows == 1 ? "1" : "N")},{string.Join(",", dims)}]";
        var values = new List<OrtValue>();
        try
        {
            foreach (var (_, dims) in inputs)
            {
                var data = new float[rows * dims.Aggregate(1L, (a, b) => a * b)];
                Array.Fill(data, 0.5f);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, [rows, .. dims]));
            }
            using var runOptions = new RunOptions();
            using var results = graph.Session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, outputs.Select(o => o.Name).ToArray());
            for (int i = 0; i < outputs.Length; i++)
            {
                var shape = results[i].GetTensorTypeAndShape().Shape;
                if (!shape.SequenceEqual([rows, .. outputs[i].Dims]))
                    throw graph.Problem($"output '{outputs[i].Name}' has shape [{string.Join(",", shape)}] when the graph runs on {rows} rows; it declares {Declared(outputs[i].Dims)}");
            }
        }
        catch (OnnxRuntimeException e)
        {
            var from = inputs.Length == 1 ? $"[N,{string.Join(",", inputs[0].Dims)}]" : string.Join(" and ", inputs.Select(i => $"{i.Name} {Declared(i.Dims)}"));
            throw new ModelFileException(graph.Path, $"ONNX Runtime cannot run the graph on {rows} rows ({e.Message.Split('\n')[0]}); expected it to map {from} to {string.Join(" and ", outputs.Select(o => $"{o.Name} {Declared(o.Dims)}"))}", e);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }
}
