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
    public static Tensor Forward(Linear linear, Tensor x, GemmBackend backend) =>
        backend == GemmBackend.OpenBlas && linear.bias is not null && x.dim() == 2 && x.dtype == ScalarType.Float32 && x.device_type == DeviceType.CPU
            ? OpenBlasLinearFunction.Forward(x, linear.weight!, linear.bias)
            : linear.forward(x);

    /// <summary>
    /// The backend a run can use: <paramref name="requested"/>, or <see cref="GemmBackend.LibTorch"/> when OpenBLAS is
    /// requested and cannot be loaded (<paramref name="notice"/> then says so).
    /// </summary>
    public static GemmBackend Resolve(GemmBackend requested, int threads, out string? notice)
    {
        notice = null;
        if (requested != GemmBackend.OpenBlas) return requested;
        if (!OpenBlasLibrary.IsAvailable)
        {
            notice = "gemm 'openblas' requested but no OpenBLAS library could be loaded (Debian: apt-get install libopenblas0-pthread); training with LibTorch's GEMM.";
            return GemmBackend.LibTorch;
        }
        OpenBlasLibrary.SetThreads(threads > 0 ? threads : Environment.ProcessorCount);
        return GemmBackend.OpenBlas;
    }
}
