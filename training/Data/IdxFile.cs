namespace VaeOnnx.Training.Data;

/// <summary>The contents of one IDX file: its dimensions and its unsigned-byte values.</summary>
/// <param name="Path">File it was read from.</param>
/// <param name="Dimensions">Sizes from the header, outermost first (e.g. [60000, 28, 28]).</param>
/// <param name="Values">The values, row-major.</param>
public sealed record IdxFile(string Path, int[] Dimensions, byte[] Values);
