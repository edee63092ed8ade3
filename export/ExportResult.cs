using VaeOnnx.Contract;

namespace VaeOnnx.Export;

/// <summary>What an export wrote.</summary>
/// <param name="Folder">The model folder.</param>
/// <param name="Card">The card written as model.json.</param>
/// <param name="EncoderMaxAbsDiff">Largest |ONNX - TorchSharp| over mu and logvar on the parity batch.</param>
/// <param name="DecoderMaxAbsDiff">Largest |ONNX - TorchSharp| over x_hat on the parity batch.</param>
/// <param name="ParityRows">Rows in the parity batch.</param>
public sealed record ExportResult(string Folder, ModelCard Card, double EncoderMaxAbsDiff, double DecoderMaxAbsDiff, int ParityRows);
