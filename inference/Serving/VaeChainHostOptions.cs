using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Serving;

/// <summary>Where <see cref="VaeChainHost"/> finds its model pair and how it builds and watches it.</summary>
public sealed record VaeChainHostOptions
{
    /// <summary>The model folder (<c>encoder.onnx</c>, <c>decoder.onnx</c>); replaced files are swapped in while serving.</summary>
    public required string ModelFolder { get; init; }

    /// <summary>Session options of every chain (CPU or CUDA, threads, block size). With CUDA and no CPU fallback, a pair that cannot run on the GPU fails at load.</summary>
    public VaeSessionOptions Session { get; init; } = new();

    /// <summary>Overrides (or, for a pair without metadata, supplies) the decoder likelihood.</summary>
    public Likelihood? Likelihood { get; init; }

    /// <summary>How often the folder's file times and sizes are compared (a file watcher shortens the wait where it works).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
