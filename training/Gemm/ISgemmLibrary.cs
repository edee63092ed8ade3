namespace VaeOnnx.Training.Gemm;

/// <summary>
/// A native BLAS that <see cref="BlasLinearFunction{TLibrary}"/> runs its products on: a row-major sgemm on raw float
/// memory, reached through static members so that each library gets its own autograd function type.
/// </summary>
public interface ISgemmLibrary
{
    /// <summary>The autograd function's name in LibTorch's graph (for example "OpenBlasLinear").</summary>
    static abstract string FunctionName { get; }

    /// <summary>Row-major C = alpha op(A) op(B) + beta C.</summary>
    static abstract unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);
}
