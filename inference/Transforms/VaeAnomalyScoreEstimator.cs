using Microsoft.ML;
using VaeOnnx.Inference.Blocks;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Scores how unusual each row is: the negative ELBO with z = mu (deterministic),
/// <c>score = -log p(x | z = mu) + KL(q(z|x) || N(0, I))</c>, computed in the space the model was trained in
/// (raw inputs are scaled with the model's recorded scaling). Bernoulli: -sum[s log p + (1-s) log(1-p)] with p clamped to
/// [1e-7, 1-1e-7]; Gaussian: 0.5 sum[log 2 pi + lv + (s-m)^2 / exp(lv)]. Higher is more anomalous. Besides
/// <c>scoreColumn</c> it adds <c>{scoreColumn}_recon</c>, <c>{scoreColumn}_kl</c> and <c>{scoreColumn}_sqerr</c>
/// (squared reconstruction error in raw units). NaN or infinite inputs give a NaN score rather than an error.
/// </summary>
public sealed class VaeAnomalyScoreEstimator : VaeEstimatorBase<VaeAnomalyScoreTransformer>
{
    private const string X = VaeScoringGraphs.Prefix + "x", Mu = VaeScoringGraphs.Prefix + "mu", LogVar = VaeScoringGraphs.Prefix + "logvar", XHat = VaeScoringGraphs.Prefix + "x_hat";
    private const string Score = VaeScoringGraphs.Prefix + "score", Recon = VaeScoringGraphs.Prefix + "recon", Kl = VaeScoringGraphs.Prefix + "kl", SqErr = VaeScoringGraphs.Prefix + "sqerr";
    private readonly string _input, _score;

    internal VaeAnomalyScoreEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string scoreColumn) : base(catalog, model)
    {
        (_input, _score) = (inputColumn, scoreColumn);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Column, int Size)> RequiredInputs => [(_input, Model.InputDim)];

    /// <inheritdoc />
    protected override IEstimator<ITransformer> BuildInner()
    {
        var graph = CacheGraph($"{Model.PairId}-anomaly", VaeScoringGraphs.AnomalyScore(Model, X, Mu, LogVar, XHat, Score, Recon, Kl, SqErr));
        return Copy(X, _input)
            .Append(new VaeEncodeEstimator(Catalog, Model, X, Mu, LogVar).BuildChain())
            .Append(new VaeDecodeEstimator(Catalog, Model, Mu, XHat).BuildChain())
            .Append(Onnx(graph, [X, Mu, LogVar, XHat], [Score, Recon, Kl, SqErr]))
            .Append(Catalog.CustomMapping<VaeScoreVectors, VaeScoreScalars>(VaeScoreScalarMapping.Map, VaeScoreScalarMapping.ContractName))
            .Append(Copy(_score, Score + "_value")).Append(Copy(_score + "_recon", Recon + "_value"))
            .Append(Copy(_score + "_kl", Kl + "_value")).Append(Copy(_score + "_sqerr", SqErr + "_value"))
            .Append(Drop([X, Mu, LogVar, XHat, Score, Recon, Kl, SqErr, Score + "_value", Recon + "_value", Kl + "_value", SqErr + "_value"]));
    }

    /// <inheritdoc />
    protected override VaeAnomalyScoreTransformer Wrap(ITransformer inner) =>
        new(inner, Model.PairId, Blocks(VaeBlockKind.AnomalyScore, _input, (_score, VaeBlockOutput.Score), (_score + "_recon", VaeBlockOutput.Reconstruction),
            (_score + "_kl", VaeBlockOutput.Kl), (_score + "_sqerr", VaeBlockOutput.SquaredError)));
}
