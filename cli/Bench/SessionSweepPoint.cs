using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Bench;

/// <summary>One combination of the session options that <c>vae bench --sweep</c> measures.</summary>
/// <param name="BlockSize">Rows per ONNX Runtime call in the chain (and per Run of the raw loop it is compared with).</param>
/// <param name="IntraOpThreads">ONNX Runtime intra-op threads; 0 is ONNX Runtime's default (one per core).</param>
/// <param name="OptimizationLevel">Graph optimisation level.</param>
/// <param name="AllowSpinning">Whether intra-op threads spin between calls.</param>
public sealed record SessionSweepPoint(int BlockSize, int IntraOpThreads, GraphOptimizationLevel OptimizationLevel, bool AllowSpinning)
{
    /// <summary>What <see cref="VaeSessionOptions"/> uses when nothing is set: the configuration every other one is compared with.</summary>
    public static SessionSweepPoint Default { get; } = From(new VaeSessionOptions());

    /// <summary>The point of <paramref name="options"/>.</summary>
    public static SessionSweepPoint From(VaeSessionOptions options) =>
        new(options.BlockSize, options.IntraOpThreads, options.OptimizationLevel, options.AllowSpinning);

    /// <summary><paramref name="options"/> with this point's settings.</summary>
    public VaeSessionOptions Apply(VaeSessionOptions options) => options with
    {
        BlockSize = BlockSize, IntraOpThreads = IntraOpThreads, OptimizationLevel = OptimizationLevel, AllowSpinning = AllowSpinning,
    };

    /// <summary>The level as the command line spells it (disable, basic, extended, layout, all).</summary>
    public string LevelName => SessionSweep.LevelName(OptimizationLevel);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"block {BlockSize}, {(IntraOpThreads == 0 ? "default" : IntraOpThreads.ToString(CultureInfo.InvariantCulture))} threads, level {LevelName}, spinning {(AllowSpinning ? "on" : "off")}");
}
