using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>Hidden-layer activation, each one the ONNX exporter maps to an operator.</summary>
[JsonConverter(typeof(ContractEnumConverter<Activation>))]
public enum Activation
{
    /// <summary>ReLU.</summary>
    [JsonStringEnumMemberName("relu")]
    Relu,

    /// <summary>LeakyReLU with the architecture's negative slope.</summary>
    [JsonStringEnumMemberName("leakyrelu")]
    LeakyRelu,

    /// <summary>Tanh.</summary>
    [JsonStringEnumMemberName("tanh")]
    Tanh,

    /// <summary>Sigmoid.</summary>
    [JsonStringEnumMemberName("sigmoid")]
    Sigmoid,
}
