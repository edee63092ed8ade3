using Microsoft.ML;
using VaeOnnx.Inference.Blocks;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Transforms;

/// <summary>Reconstructs inputs: decodes the posterior mean of each row (no sampling), giving x_hat [D] in raw units.</summary>
public sealed class VaeReconstructEstimator : VaeEstimatorBase<VaeReconstructTransformer>
{
    private const string Mu = VaeScoringGraphs.Prefix + "mu", LogVar = VaeScoringGraphs.Prefix + "logvar";
    private readonly string _input, _output;

    internal VaeReconstructEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string outputColumn) : base(catalog, model)
    {
        (_input, _output) = (inputColumn, outputColumn);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Column, int Size)> RequiredInputs => [(_input, Model.InputDim)];

    /// <inheritdoc />
    protected override IEstimator<ITransformer> BuildInner() =>
        new VaeEncodeEstimator(Catalog, Model, _input, Mu, LogVar).BuildChain()
            .Append(new VaeDecodeEstimator(Catalog, Model, Mu, _output).BuildChain())
            .Append(Drop([Mu, LogVar], _input, _output));

    /// <inheritdoc />
    protected override VaeReconstructTransformer Wrap(ITransformer inner) =>
        new(inner, Model.PairId, Blocks(VaeBlockKind.Reconstruct, _input, (_output, VaeBlockOutput.XHat)));
}
