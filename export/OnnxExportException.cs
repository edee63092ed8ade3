namespace VaeOnnx.Export;

/// <summary>An export could not be completed (unsupported module, parity failure, output folder problem); nothing was left half-written.</summary>
public sealed class OnnxExportException(string message, Exception? inner = null) : Exception(message, inner);
