using TorchSharp;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Gemm;

/// <summary>
/// y = x W^T + b with the forward and both backward products (dX = dY W, dW = dY^T X) computed by a native row-major
/// sgemm on the tensors' own memory; LibTorch still records the graph, accumulates the gradients and runs everything
/// else. Inputs: x [N, in], weight [out, in], bias [out], all float32 on the CPU.
/// </summary>
/// <typeparam name="TLibrary">The library whose sgemm runs the products (<see cref="OpenBlasLibrary"/>, <see cref="OneDnnLibrary"/>).</typeparam>
public sealed class BlasLinearFunction<TLibrary> : autograd.SingleTensorFunction<BlasLinearFunction<TLibrary>>
    where TLibrary : ISgemmLibrary
{
    private const string InputNeedsGrad = "x_requires_grad";

    /// <inheritdoc />
    public override string Name => TLibrary.FunctionName;

    /// <summary>y = x W^T + b through the library, differentiable in all three.</summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor bias) => apply(x, weight, bias);

    /// <inheritdoc />
    public override unsafe Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var x = input.contiguous();
        var w = ((Tensor)vars[1]).contiguous();
        var b = (Tensor)vars[2];
        int n = checked((int)x.shape[0]), inWidth = checked((int)x.shape[1]), outWidth = checked((int)w.shape[0]);
        // The bias rows are the product's C: sgemm adds x W^T onto them (beta 1), one pass over y instead of two.
        var y = b.unsqueeze(0).expand(n, outWidth).contiguous();
        fixed (byte* px = x.bytes, pw = w.bytes, py = y.bytes)
            TLibrary.Sgemm(false, true, n, outWidth, inWidth, 1f, (float*)px, inWidth, (float*)pw, inWidth, 1f, (float*)py, outWidth);
        ctx.save_for_backward([x, w]);
        ctx.save_data(InputNeedsGrad, input.requires_grad);
        return y;
    }

    /// <inheritdoc />
    public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        Tensor x = saved[0], w = saved[1], gy = gradOutput.contiguous();
        int n = checked((int)x.shape[0]), inWidth = checked((int)x.shape[1]), outWidth = checked((int)w.shape[0]);
        Tensor? dx = null;
        var dw = empty(outWidth, inWidth);
        fixed (byte* pgy = gy.bytes, px = x.bytes, pw = w.bytes, pdw = dw.bytes)
        {
            // The first layer's input is the data: its gradient, the largest product of the step, is never needed.
            if ((bool)ctx.get_data(InputNeedsGrad))
            {
                dx = empty(n, inWidth);
                fixed (byte* pdx = dx.bytes)
                    TLibrary.Sgemm(false, false, n, inWidth, outWidth, 1f, (float*)pgy, outWidth, (float*)pw, inWidth, 0f, (float*)pdx, inWidth);
            }
            TLibrary.Sgemm(true, false, outWidth, inWidth, n, 1f, (float*)pgy, outWidth, (float*)px, inWidth, 0f, (float*)pdw, inWidth);
        }
        // sum(0) would bind to sum(ScalarType): a literal 0 converts to any enum.
        return [dx!, dw, gy.sum(0L, keepdim: false)];
    }
}
