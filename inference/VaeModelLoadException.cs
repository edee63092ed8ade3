namespace VaeOnnx.Inference;

/// <summary>A model pair could not be loaded: a file is missing, not ONNX, truncated, or the pair does not fit together. Names the file and the problem.</summary>
public sealed class VaeModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
