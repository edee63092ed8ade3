using System.Runtime.InteropServices;

namespace VaeOnnx.Training.Gemm;

/// <summary>
/// The system's oneDNN (Debian's libdnnl2 installs libdnnl.so.2), loaded on first use by name so that nothing is needed
/// at build time and a machine without it falls back to LibTorch's GEMM.
/// </summary>
/// <remarks>
/// Debian builds oneDNN on GNU OpenMP and asks for libgomp.so.1; in a TorchSharp process that name is already taken by
/// the libgomp LibTorch bundles (its SONAME is libgomp.so.1), so oneDNN runs on LibTorch's own OpenMP runtime and
/// thread pool, and OMP_WAIT_POLICY / GOMP_SPINCOUNT apply to both alike. dnnl_sgemm runs on omp_get_max_threads()
/// threads of the calling thread, the count LibTorch's own kernels use as well: <see cref="Sgemm"/> sets the route's
/// count for the product and puts LibTorch's back after it, so that a thread split (LibTorch on one thread, the
/// products on more) holds.
/// </remarks>
public sealed unsafe class OneDnnLibrary : ISgemmLibrary
{
    private OneDnnLibrary() { }

    /// <inheritdoc />
    public static string FunctionName => "OneDnnLinear";

    private static readonly string[] Candidates =
        ["libdnnl.so.2", "libdnnl.so", "/usr/lib/x86_64-linux-gnu/libdnnl.so.2", "/usr/lib/aarch64-linux-gnu/libdnnl.so.2"];

    private static readonly Lazy<Loaded?> Library = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private static int _threads;

    /// <summary>The library's exports: dnnl_sgemm, dnnl_version, and OpenMP's thread count setter and getter from its runtime (0 when absent).</summary>
    private sealed record Loaded(nint Sgemm, nint Version, nint SetOmpThreads, nint GetOmpThreads);

    /// <summary>dnnl_version_t of the C API.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct VersionInfo
    {
        public readonly int Major, Minor, Patch;
        public readonly nint Hash;
        public readonly uint CpuRuntime, GpuRuntime;
    }

    /// <summary>Whether oneDNN could be loaded in this process.</summary>
    public static bool IsAvailable => Library.Value is not null;

    /// <summary>oneDNN's version ("2.6.3"), or null when it is not available.</summary>
    public static string? Version
    {
        get
        {
            var lib = Library.Value;
            if (lib is null) return null;
            var v = ((delegate* unmanaged<VersionInfo*>)lib.Version)();
            return $"{v->Major}.{v->Minor}.{v->Patch}";
        }
    }

    /// <summary>The threads each product runs on from now on; 0 leaves OpenMP's own count (OMP_NUM_THREADS or all cores).</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Required();
        Volatile.Write(ref _threads, threads);
    }

    /// <summary>Row-major C = alpha op(A) op(B) + beta C through dnnl_sgemm.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        var lib = Required();
        int threads = Volatile.Read(ref _threads), previous = 0;
        bool setThreads = threads > 0 && lib.SetOmpThreads != 0 && lib.GetOmpThreads != 0;
        if (setThreads)
        {
            previous = ((delegate* unmanaged<int>)lib.GetOmpThreads)();
            ((delegate* unmanaged<int, void>)lib.SetOmpThreads)(threads);
        }
        int status = ((delegate* unmanaged<byte, byte, long, long, long, float, float*, long, float*, long, float, float*, long, int>)lib.Sgemm)(
            transA ? (byte)'T' : (byte)'N', transB ? (byte)'T' : (byte)'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (setThreads) ((delegate* unmanaged<int, void>)lib.SetOmpThreads)(previous);
        if (status != 0) throw new InvalidOperationException($"dnnl_sgemm failed with oneDNN status {status} (m {m}, n {n}, k {k}).");
    }

    private static Loaded Required() =>
        Library.Value ?? throw new InvalidOperationException($"oneDNN is not available: none of {string.Join(", ", Candidates)} could be loaded (Debian: apt-get install libdnnl2).");

    private static Loaded? Load()
    {
        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "dnnl_sgemm", out var sgemm) || !NativeLibrary.TryGetExport(handle, "dnnl_version", out var version)) continue;
            // dlsym on the library's handle searches its dependencies too: this finds the OpenMP runtime oneDNN is bound to.
            NativeLibrary.TryGetExport(handle, "omp_set_num_threads", out var setThreads);
            NativeLibrary.TryGetExport(handle, "omp_get_max_threads", out var getThreads);
            return new Loaded(sgemm, version, setThreads, getThreads);
        }
        return null;
    }
}
