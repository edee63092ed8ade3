using Microsoft.ML.Transforms;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The reparameterised draw z = mu + exp(logvar / 2) * eps with eps ~ N(0, I). eps is a pure function of the seed, the
/// row's mu and logvar bits and the dimension (SplitMix64 hashing into uniforms, then Box-Muller), so draws do not depend
/// on cursor order or threads and repeat after save/load. Rows with identical mu and logvar get identical draws: to draw
/// several samples of one input, use several seeds. Saved by contract name; see <see cref="VaeModel.Register"/>.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class VaeLatentSampleMapping : CustomMappingFactory<VaeLatentSampleInput, VaeLatentSampleOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "VaeOnnx.LatentSample";

    /// <summary>The mapping itself.</summary>
    public static void Map(VaeLatentSampleInput input, VaeLatentSampleOutput output)
    {
        var mu = input.Mu.DenseValues().ToArray();
        var logvar = input.LogVar.DenseValues().ToArray();
        ulong state = (ulong)(long)input.Seed[0] * 0x9E3779B97F4A7C15UL;
        for (int j = 0; j < mu.Length; j++) state = Mix(state ^ BitConverter.SingleToUInt32Bits(mu[j]));
        for (int j = 0; j < logvar.Length; j++) state = Mix(state ^ ((ulong)BitConverter.SingleToUInt32Bits(logvar[j]) << 17));
        var z = new float[mu.Length];
        for (int j = 0; j < z.Length; j++)
        {
            ulong a = Mix(state + (ulong)(2 * j + 1)), b = Mix(state + (ulong)(2 * j + 2));
            double u1 = ((a >> 11) + 1) * (1.0 / 9007199254740993.0), u2 = (b >> 11) * (1.0 / 9007199254740992.0);
            double eps = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            z[j] = (float)(mu[j] + Math.Exp(logvar[j] / 2) * eps);
        }
        output.Z = z;
    }

    /// <inheritdoc />
    public override Action<VaeLatentSampleInput, VaeLatentSampleOutput> GetMapping() => Map;

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
