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
        var z = new float[mu.Length];
        Scoring.LatentNoise.GaussianDraw((int)input.Seed[0], mu, logvar, z);
        output.Z = z;
    }

    /// <inheritdoc />
    public override Action<VaeLatentSampleInput, VaeLatentSampleOutput> GetMapping() => Map;
}
