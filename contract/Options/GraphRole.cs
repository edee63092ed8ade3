using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>Which half of a model pair an ONNX graph is.</summary>
[JsonConverter(typeof(ContractEnumConverter<GraphRole>))]
public enum GraphRole
{
    /// <summary>x -> mu, logvar.</summary>
    [JsonStringEnumMemberName("encoder")]
    Encoder,

    /// <summary>z -> x_hat.</summary>
    [JsonStringEnumMemberName("decoder")]
    Decoder,
}
