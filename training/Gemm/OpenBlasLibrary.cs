using System.Runtime.InteropServices;

namespace VaeOnnx.Training.Gemm;

/// <summary>
/// The system's OpenBLAS, loaded on first use by name (Debian's libopenblas0-pthread installs libopenblas.so.0), so that
/// nothing is needed at build time and a machine without it falls back to LibTorch's GEMM.
/// </summary>
public sealed unsafe class OpenBlasLibrary : ISgemmLibrary
{
    private OpenBlasLibrary() { }

    /// <inheritdoc />
    public static string FunctionName => "OpenBlasLinear";

    /// <summary>CBLAS_ORDER / CBLAS_TRANSPOSE values of the CBLAS interface.</summary>
    internal const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly string[] Candidates =
        ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"];

    private static readonly Lazy<Loaded?> Library = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The library's exports (0 where one is missing; cblas_sgemm never is).</summary>
    private sealed record Loaded(nint Sgemm, nint SetThreads, nint CoreName);

    /// <summary>Whether OpenBLAS could be loaded in this process.</summary>
    public static bool IsAvailable => Library.Value is not null;

    /// <summary>The kernel family OpenBLAS picked for this CPU (for example "Haswell" or "SkylakeX"; OPENBLAS_CORETYPE overrides it at load).</summary>
    public static string? CoreName
    {
        get
        {
            var lib = Library.Value;
            if (lib is null || lib.CoreName == 0) return null;
            return Marshal.PtrToStringAnsi((nint)((delegate* unmanaged<byte*>)lib.CoreName)());
        }
    }

    /// <summary>
    /// Asks for a kernel family ("SkylakeX", "Zen", "Haswell") by setting OPENBLAS_CORETYPE in the native environment before
    /// the library loads; false when it has loaded already (the choice is made once per process). For measurements: the
    /// environment of tests and CI is left as it is.
    /// </summary>
    public static bool PreferCoreType(string coreType)
    {
        if (Library.IsValueCreated) return false;
        return SetEnv("OPENBLAS_CORETYPE", coreType, 1) == 0;
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);

    /// <summary>Sets OpenBLAS's own thread count (its pthread pool is separate from LibTorch's OpenMP one).</summary>
    public static void SetThreads(int threads)
    {
        var lib = Required();
        if (lib.SetThreads != 0) ((delegate* unmanaged<int, void>)lib.SetThreads)(threads);
    }

    /// <summary>Row-major C = alpha op(A) op(B) + beta C through cblas_sgemm.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc) =>
        ((delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Required().Sgemm)(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private static Loaded Required() =>
        Library.Value ?? throw new InvalidOperationException($"OpenBLAS is not available: none of {string.Join(", ", Candidates)} could be loaded (Debian: apt-get install libopenblas0-pthread).");

    private static Loaded? Load()
    {
        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm)) continue;
            NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var threads);
            NativeLibrary.TryGetExport(handle, "openblas_get_corename", out var core);
            return new Loaded(sgemm, threads, core);
        }
        return null;
    }
}
