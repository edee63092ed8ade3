using Google.Protobuf;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The seed of the latent sampler as a tiny ONNX graph: input mu [N,L], output the seed as a one-element float vector per
/// row ([N]). The seed lives in this graph's bytes, which ML.NET stores in a saved model, so a reloaded chain draws with
/// the same seed.
/// </summary>
internal static class SeedGraph
{
    /// <summary>Largest seed carried exactly by the float column.</summary>
    public const int MaxSeed = 1 << 24;

    /// <summary>The graph's bytes.</summary>
    public static byte[] Build(int latentDim, int seed, string mu, string seedOutput)
    {
        if (seed < 0 || seed > MaxSeed) throw new ArgumentOutOfRangeException(nameof(seed), seed, "seeds from 0 to 2^24 are exact in the float column that carries them");
        var g = new OnnxGraphBuilder("vae_sample_seed");
        g.AddInput(mu, latentDim);
        var first = g.AddNode("ReduceSum", "row_sum", [mu, g.AddInt64Initializer("axis1", 1)], null, OnnxGraphBuilder.Attribute("keepdims", 0L));
        var zero = g.AddNode("Mul", "zero", [first, g.AddInitializer("zero_factor", [0f], 1)]);
        g.AddNode("Add", "seed", [zero, g.AddInitializer("seed_value", [seed], 1)], seedOutput);
        g.AddOutput(seedOutput);
        return g.BuildModel("1", 1, "VaeOnnx latent-sampling seed.", []).ToByteArray();
    }
}
