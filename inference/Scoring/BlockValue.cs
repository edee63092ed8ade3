using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The ONNX Runtime value over one array of a block's buffers for its first <paramref name="rows"/> rows; a value made
/// for a short block (or a string tensor) is added to <paramref name="made"/> for the caller to dispose.
/// </summary>
internal delegate OrtValue BlockValue(ScoringBuffers buffers, int rows, List<OrtValue> made);
