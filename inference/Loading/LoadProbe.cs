using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>Runs a graph once at load and compares the output shapes with the declared ones.</summary>
internal static class LoadProbe
{
    /// <summary>Two rows where the batch is symbolic, so that a graph which only works for a batch of one is found too.</summary>
    public static void Run(LoadedGraph graph, int rows, string input, int inputDim, (string Name, int Dim)[] outputs)
    {
        var values = new float[rows * inputDim];
        Array.Fill(values, 0.5f);
        string Declared(int dim) => $"[{(rows == 1 ? "1" : "N")},{dim}]";
        try
        {
            using var x = OrtValue.CreateTensorValueFromMemory(values, [rows, inputDim]);
            using var runOptions = new RunOptions();
            using var results = graph.Session.Run(runOptions, [input], [x], outputs.Select(o => o.Name).ToArray());
            for (int i = 0; i < outputs.Length; i++)
            {
                var shape = results[i].GetTensorTypeAndShape().Shape;
                if (!shape.SequenceEqual([rows, outputs[i].Dim]))
                    throw graph.Problem($"output '{outputs[i].Name}' has shape [{string.Join(",", shape)}] when the graph runs on {rows} rows; it declares {Declared(outputs[i].Dim)}");
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(graph.Path, $"ONNX Runtime cannot run the graph on {rows} rows ({e.Message.Split('\n')[0]}); expected it to map [N,{inputDim}] to {string.Join(" and ", outputs.Select(o => $"{o.Name} {Declared(o.Dim)}"))}", e);
        }
    }
}
