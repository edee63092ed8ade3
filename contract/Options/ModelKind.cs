using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>The network family of a model.</summary>
[JsonConverter(typeof(ContractEnumConverter<ModelKind>))]
public enum ModelKind
{
    /// <summary>Fully connected encoder and decoder.</summary>
    [JsonStringEnumMemberName("mlp")]
    Mlp,

    /// <summary>Two stride-2 convolutions down and two transposed convolutions up, for [C,H,W] images.</summary>
    [JsonStringEnumMemberName("conv")]
    Conv,
}
