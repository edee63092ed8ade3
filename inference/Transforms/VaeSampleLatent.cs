using VaeOnnx.Contract;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Draws z = mu + exp(logvar / 2) * eps per row with eps ~ N(0, I) (the reparameterisation), reproducibly for a seed:
/// eps is a hash of the seed and the row's values (see <see cref="VaeLatentSampleMapping"/>), so the same seed gives the
/// same draws in any cursor order and after save/load.
/// </summary>
public sealed class VaeSampleLatentEstimator : VaeEstimatorBase<VaeSampleLatentTransformer>
{
    private readonly string _mu, _logVar, _z;
    private readonly int _seed;

    internal VaeSampleLatentEstimator(TransformsCatalog catalog, VaeModel model, string muColumn, string logVarColumn, string zColumn, int seed) : base(catalog, model)
    {
        if (model.Posterior is not null)
            throw new InvalidOperationException($"{model.EncoderPath}: the pair's posterior is an {EnumText.Of(model.PosteriorKind)} flow, so a draw from mu and logvar alone is not a draw of q(z|x); use VaeSamplePosterior on the input features");
        (_mu, _logVar, _z, _seed) = (muColumn, logVarColumn, zColumn, seed);
    }

    private protected override IReadOnlyList<RequiredInput> Inputs => [new(_mu, Model.LatentDim), new(_logVar, Model.LatentDim)];

    private protected override IReadOnlyList<ScoredColumn> Outputs => [new(_z, ScoredValue.Z, VectorOf(Model.LatentDim))];

    // The draw is a managed function of the row, not a graph of the pair: it runs as its own saved form.
    private protected override VaeSampleLatentTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, SavedForm(Catalog, Model, _mu, _logVar, _z, _seed).Fit(new EmptyDataView(inputSchema)));

    /// <summary>The seed graph (a one-element seed column per row) and <see cref="VaeLatentSampleMapping"/>; the posterior sample's saved form ends with it.</summary>
    internal static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, string muColumn, string logVarColumn, string zColumn, int seed)
    {
        const string mu = SavedChain.Prefix + "s_mu", logVar = SavedChain.Prefix + "s_logvar", z = SavedChain.Prefix + "s_z", seedColumn = SavedChain.Prefix + "s_seed";
        return SavedChain.Copy(c, mu, muColumn).Append(SavedChain.Copy(c, logVar, logVarColumn))
            .Append(SavedChain.Onnx(c, SeedGraph.Build(m.LatentDim, seed, mu, seedColumn), [mu], [seedColumn]))
            .Append(c.CustomMapping<VaeLatentSampleInput, VaeLatentSampleOutput>(VaeLatentSampleMapping.Map, VaeLatentSampleMapping.ContractName))
            .Append(SavedChain.Copy(c, zColumn, z))
            .Append(SavedChain.Drop(c, [mu, logVar, z, seedColumn]));
    }
}

/// <summary>The fitted form of <see cref="VaeSampleLatentEstimator"/>.</summary>
public sealed class VaeSampleLatentTransformer : VaeTransformerBase
{
    internal VaeSampleLatentTransformer(string pairId, ITransformer stock) : base(pairId, stock)
    {
    }
}

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
        LatentNoise.GaussianDraw((int)input.Seed[0], mu, logvar, z);
        output.Z = z;
    }

    /// <inheritdoc />
    public override Action<VaeLatentSampleInput, VaeLatentSampleOutput> GetMapping() => Map;
}

/// <summary>What the latent sampler reads per row: the posterior parameters and the seed column.</summary>
internal sealed class VaeLatentSampleInput
{
    /// <summary>Posterior mean.</summary>
    [ColumnName(SavedChain.Prefix + "s_mu")] public VBuffer<float> Mu { get; set; }
    /// <summary>Posterior log-variance.</summary>
    [ColumnName(SavedChain.Prefix + "s_logvar")] public VBuffer<float> LogVar { get; set; }
    /// <summary>The seed, a one-element vector made by the seed graph.</summary>
    [ColumnName(SavedChain.Prefix + "s_seed"), VectorType(1)] public float[] Seed { get; set; } = [];
}

/// <summary>The latent draw per row.</summary>
internal sealed class VaeLatentSampleOutput
{
    /// <summary>z = mu + exp(logvar / 2) * eps.</summary>
    [ColumnName(SavedChain.Prefix + "s_z")] public float[] Z { get; set; } = [];
}
