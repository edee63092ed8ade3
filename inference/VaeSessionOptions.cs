using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference;

/// <summary>
/// How ONNX Runtime sessions are created for a model pair. CUDA is used when asked for and available; when the installed
/// ONNX Runtime has no CUDA provider (the CPU package VaeOnnx.Inference) or the provider cannot start (no GPU, driver or
/// CUDA libraries), scoring falls back to the CPU with one warning through <see cref="Log"/>, or, when
/// <see cref="AllowCpuFallback"/> is off, <see cref="VaeModel.Load(string, VaeSessionOptions?, VaeOnnx.Contract.Likelihood?)"/> refuses the
/// pair with a <see cref="VaeModelLoadException"/>. Which provider a loaded pair uses is <see cref="VaeModel.ExecutionProvider"/>.
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
    /// When a transformer maps a whole data view, score block k+1 on a pool thread while the rows of block k are served and
    /// block k+2 is read (a one-block look-ahead; the same blocks and results). Off by default: on the 2-core machines of
    /// docs/benchmarks.md ONNX Runtime's two intra-op threads already use both cores, and the overlap measured 0.70-0.89x
    /// the plain chain (encoder) and 0.82-1.19x (decoder); it is meant for machines with cores the session leaves idle.
    /// </summary>
    public bool OverlapBlocks { get; init; }

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
            // The provider is listed but cannot start (no driver, no CUDA libraries): same rule as a missing provider.
            options.Dispose();
            var reason = Loading.CudaLibraryProbe.Problem() ?? FirstLine(e);
            CudaUnusable($"the CUDA execution provider could not start on device {DeviceId}: {reason}", e, NeedsCudaLibraries);
            return CreateSessionOptions(out usesGpu);
        }
        catch
        {
            options.Dispose();
            throw;
        }
        return options;
    }

    /// <summary>
    /// The provider a pair's sessions will use, settled when the pair loads: CUDA only when a CUDA session opens on
    /// <paramref name="graph"/> (the provider starts on the device, with its driver and libraries), else the CPU after one
    /// warning, or a <see cref="VaeModelLoadException"/> naming <paramref name="path"/> when <see cref="AllowCpuFallback"/> is off.
    /// After a CUDA failure these options make CPU sessions without trying again.
    /// </summary>
    internal VaeExecutionProvider ResolveProvider(string path, byte[] graph)
    {
        if (Provider == VaeExecutionProvider.Cpu) return VaeExecutionProvider.Cpu;
        try
        {
            using var options = CreateSessionOptions(out bool usesGpu);
            if (!usesGpu) return VaeExecutionProvider.Cpu;
            try
            {
                // The CUDA provider meets the device only here (ONNX Runtime initialises it with the session).
                using var session = new InferenceSession(graph, options);
                return VaeExecutionProvider.Cuda;
            }
            catch (OnnxRuntimeException e)
            {
                CudaUnusable($"the CUDA execution provider could not open a session on device {DeviceId}: {FirstLine(e)}", e, NeedsCudaLibraries);
                return VaeExecutionProvider.Cpu;
            }
        }
        catch (VaeModelLoadException e)
        {
            throw new VaeModelLoadException($"{path}: {e.Message}", e.InnerException);
        }
    }

    /// <summary>
    /// The CUDA device, or null for the CPU: null when the CPU was asked for, when CUDA failed before with these options,
    /// and when CUDA was asked for but the installed ONNX Runtime has no CUDA provider and fallback is allowed (one warning is logged).
    /// </summary>
    private int? ResolveGpuDevice()
    {
        if (Provider == VaeExecutionProvider.Cpu) return null;
        // A failure seen before by these options (or by the options they were copied from with `with`) stands.
        if (Volatile.Read(ref _cudaFailure) is { } failure)
        {
            if (!AllowCpuFallback) throw Refusal(failure);
            return null;
        }
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (providers.Contains("CUDAExecutionProvider")) return DeviceId;
        CudaUnusable($"the CUDA execution provider is not in the installed ONNX Runtime (providers: {string.Join(", ", providers)})", null,
            "install VaeOnnx.Inference.Gpu (ONNX Runtime's CUDA build) in place of VaeOnnx.Inference, or use the CPU provider");
        return null;
    }

    private const string NeedsCudaLibraries =
        "this ONNX Runtime build needs an NVIDIA GPU and driver, and CUDA 13 (cudart, cuBLAS, cuRAND) and cuDNN 9 on the loader's path; or use the CPU provider";

    /// <summary>CUDA cannot be used: refused when fallback is off, else one warning and CPU sessions from now on.</summary>
    private void CudaUnusable(string message, Exception? cause, string remedy)
    {
        var failure = new CudaFailure(message, cause, remedy);
        if (!AllowCpuFallback) throw Refusal(failure);
        Volatile.Write(ref _cudaFailure, failure);
        if (Interlocked.Exchange(ref _warned, 1) == 0) Warn(message + "; scoring runs on the CPU.");
    }

    private static VaeModelLoadException Refusal(CudaFailure failure) => new($"{failure.Message}; CPU fallback is off: {failure.Remedy}.", failure.Cause);

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();

    /// <summary>Why CUDA cannot be used with these options, and what would make it usable.</summary>
    private sealed record CudaFailure(string Message, Exception? Cause, string Remedy);

    private int _warned;
    private CudaFailure? _cudaFailure;

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
