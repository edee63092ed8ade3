using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>One forward pass: posterior parameters, the drawn latent and the decoder output (logits or mean).</summary>
/// <param name="Mu">Posterior mean [N, L].</param>
/// <param name="LogVar">Posterior log-variance [N, L].</param>
/// <param name="Z">The reparameterised draw [N, L].</param>
/// <param name="Decoded">Decoder output [N, D]: Bernoulli logits or Gaussian mean.</param>
public sealed record VaeForward(Tensor Mu, Tensor LogVar, Tensor Z, Tensor Decoded);
