using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Runs a graph at load: to find sizes a graph leaves symbolic (the latent size of a PyTorch encoder whose outputs come
/// from <c>chunk</c>, the image size after a transposed convolution), and once more on the graphs as they will be scored
/// to compare the output shapes with the declared ones.
/// </summary>
internal static class LoadProbe
{
    /// <summary>Two rows where the batch is symbolic, so that a graph which only works for a batch of one is found too.</summary>
    public static void Run(LoadedGraph graph, int rows, string input, int inputDim, (string Name, int Dim)[] outputs)
    {
        string Declared(int dim) => $"[{(rows == 1 ? "1" : "N")},{dim}]";
        var shapes = Shapes(graph, rows, input, [inputDim], outputs.Select(o => o.Name).ToArray(),
            () => $"expected it to map [N,{inputDim}] to {string.Join(" and ", outputs.Select(o => $"{o.Name} {Declared(o.Dim)}"))}");
        for (int i = 0; i < outputs.Length; i++)
            if (!shapes[i].SequenceEqual([rows, outputs[i].Dim]))
                throw graph.Problem($"output '{outputs[i].Name}' has shape [{string.Join(",", shapes[i])}] when the graph runs on {rows} rows; it declares {Declared(outputs[i].Dim)}");
    }

    /// <summary>
    /// The latent size L an encoder produces when its outputs declare none: the mean and the spread must both come out as
    /// [rows, L] with the same L.
    /// </summary>
    public static int LatentDim(LoadedGraph encoder, int rows, PairShapes shapes)
    {
        var (mean, spread) = (shapes.Mean.Name, shapes.Spread.Name);
        var found = Shapes(encoder, rows, shapes.EncoderInput.Name, shapes.Sample.Dims, [mean, spread],
            () => $"expected it to map {shapes.EncoderInput.ShapeText} to '{mean}' and '{spread}' [N, L]");
        if (found[0].Length != 2 || found[0][0] != rows || !found[0].SequenceEqual(found[1]) || found[0][1] is <= 0 or > VaeModel.MaxFeatureDim)
            throw encoder.Problem($"outputs '{mean}' and '{spread}' have shapes [{string.Join(",", found[0])}] and [{string.Join(",", found[1])}] when the graph runs on {rows} rows; expected both [{rows}, L] with the same L in 1..{VaeModel.MaxFeatureDim}");
        return (int)found[0][1];
    }

    /// <summary>The shape the decoder's output has when it runs on <paramref name="rows"/> latent rows, batch first.</summary>
    public static long[] DecoderOutput(LoadedGraph decoder, int rows, PairShapes shapes, int latentDim)
    {
        var output = shapes.DecoderOutput.Name;
        var found = Shapes(decoder, rows, shapes.DecoderInput.Name, [latentDim], [output],
            () => $"expected it to map [N,{latentDim.ToString(CultureInfo.InvariantCulture)}] to '{output}' {shapes.DecoderOutput.ShapeText}")[0];
        if (found.Length == 0 || found[0] != rows)
            throw decoder.Problem($"output '{output}' has shape [{string.Join(",", found)}] when the graph runs on {rows} rows; expected {rows} rows first");
        return found;
    }

    /// <summary>Runs <paramref name="graph"/> on <paramref name="rows"/> rows of 0.5 shaped [rows, ..<paramref name="rowDims"/>].</summary>
    private static long[][] Shapes(LoadedGraph graph, int rows, string input, IReadOnlyList<int> rowDims, string[] outputs, Func<string> expected)
    {
        var values = new float[rows * rowDims.Aggregate(1, (a, b) => a * b)];
        Array.Fill(values, 0.5f);
        try
        {
            using var x = OrtValue.CreateTensorValueFromMemory(values, [rows, .. rowDims.Select(d => (long)d)]);
            using var runOptions = new RunOptions();
            using var results = graph.Session.Run(runOptions, [input], [x], outputs);
            return results.Select(r => r.GetTensorTypeAndShape().Shape).ToArray();
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(graph.Path, $"ONNX Runtime cannot run the graph on {rows} rows ({e.Message.Split('\n')[0]}); {expected()}", e);
        }
    }
}
