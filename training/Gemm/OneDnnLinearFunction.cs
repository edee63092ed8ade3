using static TorchSharp.torch;

namespace VaeOnnx.Training.Gemm;

/// <summary>The Linear of <see cref="GemmBackend.OneDnn"/>: <see cref="BlasLinearFunction{TSelf}"/> on oneDNN's dnnl_sgemm.</summary>
public sealed class OneDnnLinearFunction : BlasLinearFunction<OneDnnLinearFunction>
{
    /// <inheritdoc />
    public override string Name => "OneDnnLinear";

    /// <summary>y = x W^T + b through oneDNN, differentiable in all three.</summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor bias) => apply(x, weight, bias);

    /// <inheritdoc />
    protected override unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc) =>
        OneDnnLibrary.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
