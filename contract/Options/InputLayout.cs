using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// How one row of D values lies in the graph's input: a flat vector of features, or an image flattened row-major in the
/// graph's own layout (channels, then rows, then columns for NCHW; rows, then columns, then channels for NHWC).
/// </summary>
[JsonConverter(typeof(ContractEnumConverter<InputLayout>))]
public enum InputLayout
{
    /// <summary>[N, D]: D features (VaeOnnx exports of tables; image exports of VaeOnnx take [N, D] too, flattened as NCHW).</summary>
    [JsonStringEnumMemberName("flat")]
    Flat,

    /// <summary>[N, C, H, W], channels first (PyTorch).</summary>
    [JsonStringEnumMemberName("nchw")]
    Nchw,

    /// <summary>[N, H, W, C], channels last (Keras / tf2onnx).</summary>
    [JsonStringEnumMemberName("nhwc")]
    Nhwc,
}
