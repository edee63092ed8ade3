using VaeOnnx.Contract;
using Microsoft.ML;
using VaeOnnx.Inference.DataView;

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

    private protected override IReadOnlyList<(string Column, int Size)> RequiredInputs => [(_mu, Model.LatentDim), (_logVar, Model.LatentDim)];

    private protected override IReadOnlyList<(string Name, int Width)> Outputs => [(_z, Model.LatentDim)];

    // The draw is a managed function of the row, not a graph of the pair: it runs as its own saved form.
    private protected override VaeSampleLatentTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, SavedChain.SampleLatent(Catalog, Model, _mu, _logVar, _z, _seed).Fit(new EmptyDataView(inputSchema)));
}
