using Google.Protobuf;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The small graphs a saved ML.NET chain of a flow-posterior pair runs around its encoder, where the scoring engine uses
/// arrays: the noise draws the encoder takes, and the first draw's z that is decoded.
/// </summary>
internal static class FlowChainGraphs
{
    /// <summary>
    /// Input <paramref name="input"/> [N, <paramref name="inputDim"/>] (only its batch size is used), output
    /// <paramref name="output"/> [N, R, L]: the same noise <paramref name="draws"/> (R x L values) for every row.
    /// </summary>
    public static byte[] Noise(string input, int inputDim, string output, float[] draws, int latentDim)
    {
        int r = draws.Length / latentDim;
        var g = new OnnxGraphBuilder("vae_posterior_noise");
        g.AddInput(input, inputDim);
        var batch = g.AddNode("Slice", "batch", [g.AddNode("Shape", "shape", [input]), g.AddInt64Initializer("start", 0), g.AddInt64Initializer("end", 1)]);
        var shape = g.AddNode("Concat", "noise_shape", [batch, g.AddInt64Initializer("draws_and_latent", r, latentDim)], null, OnnxGraphBuilder.Attribute("axis", 0L));
        g.AddNode("Expand", "noise", [g.AddInitializer("draws", draws, 1, r, latentDim), shape], output);
        g.AddOutput(output, r, latentDim);
        return g.BuildModel("1", 1, "VaeOnnx posterior noise for a saved chain.", []).ToByteArray();
    }

    /// <summary>Input <paramref name="input"/> [N, R, L], output <paramref name="output"/> [N, L]: the first draw of each row.</summary>
    public static byte[] FirstDraw(string input, int draws, int latentDim, string output)
    {
        var g = new OnnxGraphBuilder("vae_first_draw");
        g.AddInput(input, draws, latentDim);
        var first = g.AddNode("Gather", "first", [input, g.AddInt64Initializer("index", 0)], null, OnnxGraphBuilder.Attribute("axis", 1L));
        g.AddNode("Reshape", "flatten", [first, g.AddInt64Initializer("shape", -1, latentDim)], output);
        g.AddOutput(output, latentDim);
        return g.BuildModel("1", 1, "VaeOnnx first posterior draw for a saved chain.", []).ToByteArray();
    }
}
