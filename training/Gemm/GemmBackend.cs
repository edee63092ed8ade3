using System.Text.Json.Serialization;
using VaeOnnx.Contract;

namespace VaeOnnx.Training.Gemm;

/// <summary>Which BLAS runs the matrix products of the fully connected layers while training.</summary>
[JsonConverter(typeof(ContractEnumConverter<GemmBackend>))]
public enum GemmBackend
{
    /// <summary>LibTorch's own Linear (MKL inside the TorchSharp-cpu build): the default, always present.</summary>
    [JsonStringEnumMemberName("libtorch")]
    LibTorch,

    /// <summary>
    /// The system's OpenBLAS (Debian's libopenblas0-pthread) called on the tensors' memory; falls back to
    /// <see cref="LibTorch"/> with a notice when the library cannot be loaded.
    /// </summary>
    [JsonStringEnumMemberName("openblas")]
    OpenBlas,

    /// <summary>
    /// The system's oneDNN (Debian's libdnnl2, the library PyTorch's own builds send their SGEMMs to) through dnnl_sgemm on
    /// the tensors' memory, on its own OpenMP runtime; falls back to <see cref="LibTorch"/> with a notice when the library
    /// cannot be loaded.
    /// </summary>
    [JsonStringEnumMemberName("onednn")]
    OneDnn,
}
