using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Gemm;

/// <summary>
/// Runs a Sequential body with its Linear layers on the chosen GEMM; the modules, their parameters and their names stay
/// LibTorch's, so checkpoints and the ONNX export do not depend on the route.
/// </summary>
public static class LinearRoute
{
    /// <summary>The body's output for <paramref name="x"/>.</summary>
    public static Tensor Forward(Sequential body, Tensor x, GemmBackend backend)
    {
        if (backend == GemmBackend.LibTorch || !body.children().Any()) return body.forward(x);
        var h = x;
        foreach (var layer in body.children())
            h = layer is Linear linear ? Forward(linear, h, backend) : ((nn.Module<Tensor, Tensor>)layer).forward(h);
        return h;
    }

    /// <summary>One Linear layer's output for <paramref name="x"/> on the chosen GEMM.</summary>
    public static Tensor Forward(Linear linear, Tensor x, GemmBackend backend)
    {
        if (linear.bias is null || x.dim() != 2 || x.dtype != ScalarType.Float32 || x.device_type != DeviceType.CPU) return linear.forward(x);
        return backend switch
        {
            GemmBackend.OpenBlas => BlasLinearFunction<OpenBlasLibrary>.Forward(x, linear.weight!, linear.bias),
            GemmBackend.OneDnn => BlasLinearFunction<OneDnnLibrary>.Forward(x, linear.weight!, linear.bias),
            _ => linear.forward(x),
        };
    }

    /// <summary>
    /// The backend a run can use: <paramref name="requested"/>, or <see cref="GemmBackend.LibTorch"/> when OpenBLAS or
    /// oneDNN is requested and cannot be loaded (<paramref name="notice"/> then says so). Sets the library's threads to
    /// <paramref name="threads"/> (0: all cores).
    /// </summary>
    public static GemmBackend Resolve(GemmBackend requested, int threads, out string? notice)
    {
        notice = null;
        int count = threads > 0 ? threads : Environment.ProcessorCount;
        switch (requested)
        {
            case GemmBackend.OpenBlas when OpenBlasLibrary.IsAvailable:
                OpenBlasLibrary.SetThreads(count);
                return requested;
            case GemmBackend.OneDnn when OneDnnLibrary.IsAvailable:
                OneDnnLibrary.SetThreads(count);
                return requested;
            case GemmBackend.OpenBlas:
                notice = "gemm 'openblas' requested but no OpenBLAS library could be loaded (Debian: apt-get install libopenblas0-pthread); training with LibTorch's GEMM.";
                return GemmBackend.LibTorch;
            case GemmBackend.OneDnn:
                notice = "gemm 'onednn' requested but no oneDNN library (libdnnl.so.2) could be loaded (Debian: apt-get install libdnnl2); training with LibTorch's GEMM.";
                return GemmBackend.LibTorch;
            default:
                return requested;
        }
    }
}
