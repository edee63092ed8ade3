using System.Numerics;
using TorchSharp.Modules;

namespace VaeOnnx.Training.Optim;

/// <summary>
/// The flat Adam (<see cref="FlatAdam"/>) with its update done in one pass over the buffers, vectorised in C#: each
/// parameter's gradient and moments are read once and the parameter and moments written once, where LibTorch's five
/// whole-buffer operations pass over the buffers once each. The arithmetic is Adam's in float32, in LibTorch's order; it
/// agrees with TorchSharp's Adam to 1e-6 over four steps (tested), not bit for bit, and it is deterministic, so a resumed
/// run continues bit for bit. CPU only.
/// </summary>
public sealed class FusedAdam : FlatAdam
{
    /// <summary>Moves <paramref name="parameters"/> (float32, on the CPU) into one buffer and builds Adam over them.</summary>
    public FusedAdam(IReadOnlyList<Parameter> parameters, double lr, double beta1, double beta2, double eps)
        : base(parameters, lr, beta1, beta2, eps)
    {
        if (parameters[0].device_type != TorchSharp.DeviceType.CPU) throw new ArgumentException("FusedAdam updates CPU parameters; use FlatAdam on a GPU", nameof(parameters));
    }

    /// <inheritdoc />
    protected override void Update(double beta1, double beta2, double eps, double stepSize, double biasCorrection2Root)
    {
        Span<float> p = ParameterBuffer, g = GradientBuffer, m = FirstMomentBuffer, v = SecondMomentBuffer;
        float b1 = (float)beta1, c1 = (float)(1 - beta1), b2 = (float)beta2, c2 = (float)(1 - beta2);
        float e = (float)eps, size = (float)-stepSize, root = (float)biasCorrection2Root;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (vb1, vc1, vb2, vc2, ve, vsize, vroot) = (new Vector<float>(b1), new Vector<float>(c1), new Vector<float>(b2), new Vector<float>(c2), new Vector<float>(e), new Vector<float>(size), new Vector<float>(root));
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g[i..]);
                var mi = new Vector<float>(m[i..]) * vb1 + gi * vc1;
                var vi = new Vector<float>(v[i..]) * vb2 + gi * gi * vc2;
                var denominator = Vector.SquareRoot(vi) / vroot + ve;
                (new Vector<float>(p[i..]) + vsize * mi / denominator).CopyTo(p[i..]);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float mi = m[i] * b1 + g[i] * c1, vi = v[i] * b2 + g[i] * g[i] * c2;
            (m[i], v[i]) = (mi, vi);
            p[i] += size * mi / (MathF.Sqrt(vi) / root + e);
        }
    }
}
