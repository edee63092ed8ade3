using System.Runtime.InteropServices;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Says why ONNX Runtime's CUDA provider library would not load. ONNX Runtime reports only "Failed to load shared library"
/// (the loader's reason goes to its own log); loading the same file here returns the loader's message, which names the
/// missing CUDA library (for example <c>libcublasLt.so.13: cannot open shared object file</c>).
/// </summary>
internal static class CudaLibraryProbe
{
    private const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>The loader's reason (naming the library that is missing), or null when the provider library is not found or loads.</summary>
    public static string? Problem()
    {
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory);
        var path = folders.Select(f => Path.Combine(f, ProviderLibrary)).FirstOrDefault(File.Exists);
        if (path is null) return null;
        try
        {
            // Loading a library that does load is harmless: ONNX Runtime loads this very file when CUDA starts.
            NativeLibrary.Load(path);
            return null;
        }
        catch (DllNotFoundException e)
        {
            // .NET's message is advice on its first line and the loader's own words (dlerror) on the last.
            var reason = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? e.Message;
            return $"{ProviderLibrary} does not load: {reason}";
        }
    }
}
