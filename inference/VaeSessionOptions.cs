using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference;

/// <summary>
/// How ONNX Runtime sessions are created for a model pair. CUDA is used when asked for and available; when the installed
/// ONNX Runtime has no CUDA provider (the CPU package) or no GPU is present, scoring falls back to the CPU with one
/// warning through <see cref="Log"/>, or fails with a clear message when <see cref="AllowCpuFallback"/> is off.
/// </summary>
public sealed record VaeSessionOptions
{
    /// <summary>CPU (default) or CUDA.</summary>
    public VaeExecutionProvider Provider { get; init; } = VaeExecutionProvider.Cpu;

    /// <summary>CUDA device id.</summary>
    public int DeviceId { get; init; }

    /// <summary>Intra-op threads; 0 leaves ONNX Runtime's default (one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Graph optimisation level.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Rows per ONNX Runtime call when a transformer maps a whole data view (encode, decode, reconstruct, anomaly score);
    /// 1 scores row by row (one call per row through the same engine). Chosen by measurement (docs/benchmarks.md).
    /// </summary>
    public int BlockSize { get; init; } = 1024;

    /// <summary>
    /// Let ONNX Runtime's intra-op threads spin between calls (lower latency for one busy session). Scorers that alternate
    /// between several sessions (reconstruct, anomaly score) turn it off: spinning threads of an idle session would take the
    /// cores from the session that is working.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>Fall back to the CPU when the GPU provider cannot be used (default true).</summary>
    public bool AllowCpuFallback { get; init; } = true;

    /// <summary>
    /// Receives warnings (e.g. the CPU fallback) and information notes (a pair loaded without weights digests, once per
    /// load); null writes them to standard error, prefixed "warning:" or "note:".
    /// </summary>
    public Action<string>? Log { get; init; }

    /// <summary>Builds ONNX Runtime session options; <paramref name="usesGpu"/> tells whether CUDA was attached.</summary>
    internal SessionOptions CreateSessionOptions(out bool usesGpu)
    {
        // Warnings about graphs go to our caller as exceptions or not at all: ONNX Runtime printing them would break one-line errors.
        var options = new SessionOptions { GraphOptimizationLevel = OptimizationLevel, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (IntraOpThreads > 0) options.IntraOpNumThreads = IntraOpThreads;
        if (!AllowSpinning) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        usesGpu = false;
        try
        {
            if (ResolveGpuDevice() is int device)
            {
                options.AppendExecutionProvider_CUDA(device);
                usesGpu = true;
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            // The provider is listed but cannot start (no driver, no device): same rule as a missing provider.
            var message = $"the CUDA execution provider could not start on device {DeviceId}: {e.Message.Split('\n')[0]}";
            if (!AllowCpuFallback)
            {
                options.Dispose();
                throw new VaeModelLoadException(message + "; CPU fallback is off.", e);
            }
            if (Interlocked.Exchange(ref _warned, 1) == 0) Warn(message + "; scoring runs on the CPU.");
        }
        return options;
    }

    /// <summary>
    /// The CUDA device, or null for the CPU: null when the CPU was asked for, and when CUDA was asked for but the installed
    /// ONNX Runtime has no CUDA provider and fallback is allowed (one warning is logged).
    /// </summary>
    internal int? ResolveGpuDevice()
    {
        if (Provider == VaeExecutionProvider.Cpu) return null;
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider")) return DeviceId;
        var message = $"the CUDA execution provider is not in the installed ONNX Runtime (providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())})";
        if (!AllowCpuFallback)
            throw new VaeModelLoadException(message + "; CPU fallback is off. Install Microsoft.ML.OnnxRuntime.Gpu and a CUDA driver, or use the CPU provider.");
        if (Interlocked.Exchange(ref _warned, 1) == 0) Warn(message + "; scoring runs on the CPU.");
        return null;
    }

    private int _warned;

    /// <summary>Sends an information note to <see cref="Log"/> or standard error.</summary>
    internal void Inform(string message)
    {
        if (Log is not null) Log(message);
        else Console.Error.WriteLine($"note: {message}");
    }

    /// <summary>Sends a warning to <see cref="Log"/> or standard error.</summary>
    internal void Warn(string message)
    {
        if (Log is not null) Log(message);
        else Console.Error.WriteLine($"warning: {message}");
    }
}
