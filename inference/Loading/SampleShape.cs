using System.Globalization;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// One row as a graph value holds it, without the batch dimension: D features ([N, D]) or an image ([N, C, H, W] or
/// [N, H, W, C]) flattened row-major in that layout, so that D = C·H·W either way.
/// </summary>
/// <param name="Layout">Flat, NCHW or NHWC.</param>
/// <param name="Dims">The non-batch dimensions in the value's own order.</param>
/// <param name="Image">Channels, height and width of an image; null for features.</param>
internal sealed record SampleShape(InputLayout Layout, int[] Dims, ImageShape? Image)
{
    /// <summary>Values per row, D.</summary>
    public int Values => Dims.Aggregate(1, (a, b) => a * b);

    /// <summary>E.g. "784 features" or "images 1x28x28 (nchw)".</summary>
    public string Describe() => Image is { } image ? $"images {image}" : $"{Values.ToString(CultureInfo.InvariantCulture)} features";

    /// <summary>
    /// The row an encoder input declares: [N, D] with a fixed D, or an image with fixed C, H and W whose channel dimension
    /// is first or last (told apart by the square image it leaves, else by which side holds 1 to 4 channels).
    /// </summary>
    public static SampleShape Of(LoadedGraph graph, OnnxValueInfo value)
    {
        var dims = value.Dims;
        if (dims.Count == 2)
        {
            if (dims[1] is <= 0 or > VaeModel.MaxFeatureDim)
                throw graph.Problem($"value '{value.Name}' has {(dims[1] < 0 ? "no fixed size" : $"size {dims[1].ToString(CultureInfo.InvariantCulture)}")} in dimension 1 {value.ShapeText}; expected [N, size] with size 1..{VaeModel.MaxFeatureDim}");
            return new SampleShape(InputLayout.Flat, [(int)dims[1]], null);
        }
        if (dims.Count != 4)
            throw graph.Problem($"value '{value.Name}' has rank {dims.Count} {value.ShapeText}; expected [N, size] features or an image [N, C, H, W] / [N, H, W, C]");
        var names = value.DimNames;
        var symbolic = Enumerable.Range(1, 3).Where(i => dims[i] < 0).Select(i => $"'{names[i]}'").ToArray();
        if (symbolic.Length > 0)
            throw graph.Problem($"value '{value.Name}' {Text(value)} has symbolic image dims ({string.Join(", ", symbolic)}); expected fixed channels, height and width, as in [N,1,28,28] (NCHW) or [N,28,28,1] (NHWC): export with a dynamic batch axis only");
        if (dims.Skip(1).Any(d => d == 0) || dims.Skip(1).Aggregate(1L, (a, b) => a * b) > VaeModel.MaxFeatureDim)
            throw graph.Problem($"value '{value.Name}' {value.ShapeText} holds {dims.Skip(1).Aggregate(1L, (a, b) => a * b).ToString(CultureInfo.InvariantCulture)} values per image; expected 1..{VaeModel.MaxFeatureDim}");
        int a = (int)dims[1], b = (int)dims[2], c = (int)dims[3];
        var layout = LayoutOf(a, b, c) ?? throw graph.Problem(
            $"value '{value.Name}' {value.ShapeText} could be [N,C,H,W] or [N,H,W,C]; expected channels (1 to 4, or the dimension beside a square image) first or last");
        var image = layout == InputLayout.Nchw ? new ImageShape(a, b, c, layout) : new ImageShape(c, a, b, layout);
        return new SampleShape(layout, [a, b, c], image);
    }

    /// <summary>
    /// Checks the decoder's output shape (declared, or found by running the decoder when it declares symbolic sizes)
    /// against the row the encoder takes: the same number of values and, for images, the same image in the same order.
    /// </summary>
    public void CheckDecoderOutput(LoadedGraph decoder, OnnxValueInfo output, IReadOnlyList<long> dims, string encoderPath, OnnxValueInfo encoderInput)
    {
        var shape = "[N," + string.Join(",", dims.Skip(1)) + "]";
        long values = dims.Skip(1).Aggregate(1L, (x, y) => x * y);
        if (dims.Count is not (2 or 4))
            throw decoder.Problem($"output '{output.Name}' has rank {dims.Count} {shape}; expected [N, size] or an image [N, C, H, W] / [N, H, W, C] like the encoder's input");
        if (values != Values)
            throw decoder.Problem($"output '{output.Name}' {shape} holds {values.ToString(CultureInfo.InvariantCulture)} values per row but {encoderPath} takes {Values.ToString(CultureInfo.InvariantCulture)} ('{encoderInput.Name}' {encoderInput.ShapeText}, {Describe()}); expected the decoder to return what the encoder takes: the two files are not a pair");
        if (dims.Count != 4 || Image is null) return;
        // An NCHW and an NHWC image of one channel lie the same way in memory.
        var same = dims.Skip(1).Select(d => (int)d).SequenceEqual(Dims)
            || (Image.Channels == 1 && dims.Skip(1).Select(d => (int)d).SequenceEqual((Image with { Layout = Image.Layout == InputLayout.Nchw ? InputLayout.Nhwc : InputLayout.Nchw }).Dims));
        if (!same)
            throw decoder.Problem($"output '{output.Name}' {shape} does not return the images {encoderPath} takes ('{encoderInput.Name}' {encoderInput.ShapeText}, {Describe()}); expected the same image size and layout");
    }

    private static InputLayout? LayoutOf(int a, int b, int c)
    {
        if (b == c && a != b) return InputLayout.Nchw;
        if (a == b && c != a) return InputLayout.Nhwc;
        bool channelsFirst = a <= 4, channelsLast = c <= 4;
        return channelsFirst == channelsLast ? null : channelsFirst ? InputLayout.Nchw : InputLayout.Nhwc;
    }

    private static string Text(OnnxValueInfo value) => $"[{string.Join(",", value.DimNames.Select((n, i) => i == 0 && value.Dims[0] < 0 ? "N" : n))}]";
}
