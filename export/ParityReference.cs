namespace VaeOnnx.Export;

/// <summary>What the TorchSharp model computes on a parity batch, row-major.</summary>
/// <param name="Mu">Posterior means [N, L].</param>
/// <param name="LogVar">Posterior log-variances [N, L].</param>
/// <param name="Decoded">Decoder output of the means, scaled space [N, D].</param>
/// <param name="Z">IAF posteriors: the draws after the flow [N, R, L]; else null.</param>
/// <param name="LogQ">IAF posteriors: log q(z|x) of the draws [N, R]; else null.</param>
internal sealed record ParityReference(float[] Mu, float[] LogVar, float[] Decoded, float[]? Z, float[]? LogQ);
