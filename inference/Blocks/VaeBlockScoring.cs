namespace VaeOnnx.Inference.Blocks;

/// <summary>How a transformer scores in blocks: the runner (owning the sessions), the input column and the outputs.</summary>
/// <param name="Runner">Sessions and what to compute.</param>
/// <param name="InputColumn">Column fed to the model.</param>
/// <param name="Outputs">Output column names and what they hold.</param>
/// <param name="BlockSize">Rows per ONNX Runtime call.</param>
public sealed record VaeBlockScoring(VaeBlockRunner Runner, string InputColumn, IReadOnlyList<(string Name, VaeBlockOutput Value)> Outputs, int BlockSize);
