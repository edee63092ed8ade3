using TorchSharp.Modules;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Training.Model;

namespace VaeOnnx.Export;

/// <summary>
/// The nodes of a body of layers whose first fully connected layer also receives a condition's projection:
/// <c>Gemm(input) + Gemm(c, W_c)</c>, exactly as <see cref="VaeEncoder.Encode"/> and <see cref="VaeDecoder.Decode"/> compute it.
/// Without a projection this is <see cref="ModuleGraphMapper.Append"/> of the body.
/// </summary>
internal static class ConditionedBodyGraph
{
    /// <summary>Appends the body applied to <paramref name="input"/>; returns the name of its output value.</summary>
    public static string Append(OnnxGraphBuilder graph, Sequential body, string name, string input, Linear? projection, string? condition)
    {
        if (projection is null) return ModuleGraphMapper.Append(graph, body, name, input);
        if (condition is null) throw new OnnxExportException($"module '{name}' is conditional but the graph has no condition input");
        var value = input;
        foreach (var (childName, child) in body.named_children())
        {
            value = ModuleGraphMapper.Append(graph, child, $"{name}.{childName}", value);
            if (childName == VaeEncoder.ConditionedLayer)
            {
                var projected = ModuleGraphMapper.Append(graph, projection, $"{name}.condition", condition);
                value = graph.AddNode("Add", $"{name}.{childName}.with_condition", [value, projected]);
            }
        }
        return value;
    }
}
