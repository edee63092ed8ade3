using System.Text.Json.Serialization;
using VaeOnnx.Contract;

namespace VaeOnnx.Training.Optim;

/// <summary>How the Adam step updates the parameters: one set of tensor operations per parameter, or one over a flat buffer.</summary>
[JsonConverter(typeof(ContractEnumConverter<AdamUpdate>))]
public enum AdamUpdate
{
    /// <summary>TorchSharp's Adam: about eight LibTorch operations for each parameter tensor (the default).</summary>
    [JsonStringEnumMemberName("per-tensor")]
    PerTensor,

    /// <summary>
    /// The parameters, their gradients and Adam's moments live in four contiguous buffers (the tensors are views into
    /// them), and one step is the same operations applied once to the whole buffers (<see cref="FlatAdam"/>).
    /// </summary>
    [JsonStringEnumMemberName("flat")]
    Flat,

    /// <summary>
    /// The flat buffers updated in one vectorised pass in C# (<see cref="FusedAdam"/>) instead of the flat update's five
    /// LibTorch operations: the same update to float rounding (not bit for bit). CPU only.
    /// </summary>
    [JsonStringEnumMemberName("fused")]
    Fused,
}
