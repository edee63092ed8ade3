using TorchSharp;
using TorchSharp.Modules;
using VaeOnnx.Contract.Onnx;
using static TorchSharp.torch;

namespace VaeOnnx.Export;

/// <summary>
/// Appends the ONNX nodes equivalent to a TorchSharp module: Linear -> Gemm (transB=1 keeps PyTorch's [out,in] weight
/// layout), ReLU/LeakyReLU/Tanh/Sigmoid, Conv2d -> Conv, ConvTranspose2d -> ConvTranspose, Flatten -> Flatten,
/// Unflatten -> Reshape; Sequential is walked in order. Anything else fails the export with the module's name and type.
/// </summary>
internal static class ModuleGraphMapper
{
    /// <summary>Appends <paramref name="module"/> applied to <paramref name="input"/>; returns the name of its output value.</summary>
    public static string Append(OnnxGraphBuilder graph, nn.Module module, string name, string input)
    {
        switch (module)
        {
            case Sequential sequential:
                foreach (var (childName, child) in sequential.named_children())
                    input = Append(graph, child, $"{name}.{childName}", input);
                return input;
            case Linear linear:
            {
                var weight = graph.AddInitializer($"{name}.weight", Values(linear.weight!), linear.out_features, linear.in_features);
                var inputs = linear.bias is null
                    ? new[] { input, weight }
                    : new[] { input, weight, graph.AddInitializer($"{name}.bias", Values(linear.bias), linear.out_features) };
                return graph.AddNode("Gemm", name, inputs, null, OnnxGraphBuilder.Attribute("transB", 1L));
            }
            case ReLU:
                return graph.AddNode("Relu", name, [input]);
            case LeakyReLU leaky:
                return graph.AddNode("LeakyRelu", name, [input], null, OnnxGraphBuilder.Attribute("alpha", (float)leaky.negative_slope));
            case Tanh:
                return graph.AddNode("Tanh", name, [input]);
            case Sigmoid:
                return graph.AddNode("Sigmoid", name, [input]);
            case Convolution conv when !conv.transposed:
                return AppendConvolution(graph, conv, "Conv", name, input);
            case Convolution conv:
                return AppendConvolution(graph, conv, "ConvTranspose", name, input);
            case Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1:
                return graph.AddNode("Flatten", name, [input], null, OnnxGraphBuilder.Attribute("axis", 1L));
            case Unflatten unflatten when unflatten.dim == 1:
            {
                var shape = graph.AddInt64Initializer($"{name}.shape", [-1, .. unflatten.unflattened_size]);
                return graph.AddNode("Reshape", name, [input, shape]);
            }
            default:
                throw new OnnxExportException($"cannot export module '{name}' of type {module.GetType().Name}: supported are Linear, ReLU, LeakyReLU, Tanh, Sigmoid, Conv2d, ConvTranspose2d, Flatten(1) and Unflatten(1, shape)");
        }
    }

    private static string AppendConvolution(OnnxGraphBuilder graph, Convolution conv, string opType, string name, string input)
    {
        if (conv.kernel_size.Length != 2) throw new OnnxExportException($"cannot export module '{name}': only 2-D convolutions are supported, it has {conv.kernel_size.Length} spatial dims");
        if (conv.padding_type is not null || conv.padding_mode != PaddingModes.Zeros)
            throw new OnnxExportException($"cannot export module '{name}' of type {conv.GetType().Name}: only explicit zero padding is supported");
        var padding = conv.padding ?? throw new OnnxExportException($"module '{name}' has no explicit padding");
        var kernel = conv.weight ?? throw new OnnxExportException($"module '{name}' has no weight");
        var weight = graph.AddInitializer($"{name}.weight", Values(kernel), kernel.shape);
        var inputs = conv.bias is null
            ? new[] { input, weight }
            : new[] { input, weight, graph.AddInitializer($"{name}.bias", Values(conv.bias), conv.bias.shape[0]) };
        var attributes = new List<VaeOnnx.Contract.Onnx.Proto.AttributeProto>
        {
            OnnxGraphBuilder.Attribute("kernel_shape", conv.kernel_size),
            OnnxGraphBuilder.Attribute("strides", conv.stride),
            OnnxGraphBuilder.Attribute("pads", [padding[0], padding[1], padding[0], padding[1]]),
            OnnxGraphBuilder.Attribute("dilations", conv.dilation),
            OnnxGraphBuilder.Attribute("group", conv.groups),
        };
        if (conv.transposed && conv.output_padding.Any(p => p != 0))
            attributes.Add(OnnxGraphBuilder.Attribute("output_padding", conv.output_padding));
        return graph.AddNode(opType, name, inputs, null, [.. attributes]);
    }

    private static float[] Values(Tensor t)
    {
        // detach/contiguous/to_type may each make a tensor: the scope frees all of them, not only the last.
        using var scope = NewDisposeScope();
        return t.detach().contiguous().to_type(ScalarType.Float32).data<float>().ToArray();
    }
}
