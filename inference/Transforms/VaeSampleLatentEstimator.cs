using Microsoft.ML;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Draws z = mu + exp(logvar / 2) * eps per row with eps ~ N(0, I) (the reparameterisation), reproducibly for a seed:
/// eps is a hash of the seed and the row's values (see <see cref="VaeLatentSampleMapping"/>), so the same seed gives the
/// same draws in any cursor order and after save/load.
/// </summary>
public sealed class VaeSampleLatentEstimator : VaeEstimatorBase<VaeSampleLatentTransformer>
{
    private const string Mu = VaeScoringGraphs.Prefix + "s_mu", LogVar = VaeScoringGraphs.Prefix + "s_logvar", Z = VaeScoringGraphs.Prefix + "s_z", Seed = VaeScoringGraphs.Prefix + "s_seed";
    private readonly string _mu, _logVar, _z;
    private readonly int _seed;

    internal VaeSampleLatentEstimator(TransformsCatalog catalog, VaeModel model, string muColumn, string logVarColumn, string zColumn, int seed) : base(catalog, model)
    {
        (_mu, _logVar, _z, _seed) = (muColumn, logVarColumn, zColumn, seed);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Column, int Size)> RequiredInputs => [(_mu, Model.LatentDim), (_logVar, Model.LatentDim)];

    /// <inheritdoc />
    protected override IEstimator<ITransformer> BuildInner()
    {
        var graph = CacheGraph($"seed-L{Model.LatentDim}-{_seed}", VaeScoringGraphs.SeedSource(Model.LatentDim, _seed, Mu, Seed));
        return Copy(Mu, _mu).Append(Copy(LogVar, _logVar))
            .Append(Onnx(graph, [Mu], [Seed]))
            .Append(Catalog.CustomMapping<VaeLatentSampleInput, VaeLatentSampleOutput>(VaeLatentSampleMapping.Map, VaeLatentSampleMapping.ContractName))
            .Append(Copy(_z, Z))
            .Append(Drop([Mu, LogVar, Z, Seed]));
    }

    /// <inheritdoc />
    protected override VaeSampleLatentTransformer Wrap(ITransformer inner) => new(inner, Model.PairId);
}
