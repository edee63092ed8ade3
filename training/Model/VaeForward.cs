using static TorchSharp.torch;

namespace VaeOnnx.Training.Model;

/// <summary>One forward pass: posterior parameters, the drawn latent and the decoder output (logits or mean).</summary>
/// <param name="Mu">Posterior mean [N, L] (of the base Gaussian q0 for an IAF posterior).</param>
/// <param name="LogVar">Posterior log-variance [N, L] (of q0 for an IAF posterior).</param>
/// <param name="Z">The reparameterised draw [N, L] (after the flow for an IAF posterior).</param>
/// <param name="Decoded">Decoder output [N, D]: Bernoulli logits or Gaussian mean.</param>
public sealed record VaeForward(Tensor Mu, Tensor LogVar, Tensor Z, Tensor Decoded)
{
    /// <summary>IAF posteriors: log q(z|x) of the draw [N], which the KL estimate needs; null for a Gaussian posterior (closed-form KL).</summary>
    public Tensor? LogQ { get; init; }
}
