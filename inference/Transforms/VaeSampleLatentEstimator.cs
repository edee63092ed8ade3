using Microsoft.ML;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Draws z = mu + exp(logvar / 2) * eps per row with eps ~ N(0, I) (the reparameterisation). The noise comes from ONNX
/// Runtime's seeded generator: a freshly fitted or loaded chain reproduces the same draws for the same seed when rows are
/// read in order by one cursor (as PredictionEngine and sequential reads do); parallel cursors draw in their own order.
/// </summary>
public sealed class VaeSampleLatentEstimator : VaeEstimatorBase<VaeSampleLatentTransformer>
{
    private const string Mu = VaeScoringGraphs.Prefix + "s_mu", LogVar = VaeScoringGraphs.Prefix + "s_logvar", Z = VaeScoringGraphs.Prefix + "s_z";
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
        var graph = CacheGraph($"sample-L{Model.LatentDim}-seed{_seed}", VaeScoringGraphs.LatentSampler(Model.LatentDim, _seed, Mu, LogVar, Z));
        return Copy(Mu, _mu).Append(Copy(LogVar, _logVar))
            .Append(Onnx(graph, [Mu, LogVar], [Z]))
            .Append(Copy(_z, Z))
            .Append(Drop([Mu, LogVar, Z]));
    }

    /// <inheritdoc />
    protected override VaeSampleLatentTransformer Wrap(ITransformer inner) => new(inner, Model.PairId);
}
