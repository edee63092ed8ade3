using Microsoft.ML;
using VaeOnnx.Inference.Blocks;

namespace VaeOnnx.Inference.Transforms;

/// <summary>Decodes a column of latent vectors [L] into x_hat [D]: Bernoulli probabilities or the Gaussian mean, in raw units.</summary>
public sealed class VaeDecodeEstimator : VaeEstimatorBase<VaeDecodeTransformer>
{
    private readonly string _z, _output;

    internal VaeDecodeEstimator(TransformsCatalog catalog, VaeModel model, string zColumn, string outputColumn) : base(catalog, model)
    {
        (_z, _output) = (zColumn, outputColumn);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Column, int Size)> RequiredInputs => [(_z, Model.LatentDim)];

    /// <inheritdoc />
    protected override IEstimator<ITransformer> BuildInner() =>
        Copy(Model.DecoderInput, _z)
            .Append(Onnx(Model.DecoderPath, [Model.DecoderInput], [Model.DecoderOutput]))
            .Append(Copy(_output, Model.DecoderOutput))
            .Append(Drop([Model.DecoderInput, Model.DecoderOutput], _z, _output));

    /// <inheritdoc />
    protected override VaeDecodeTransformer Wrap(ITransformer inner) =>
        new(inner, Model.PairId, Blocks(VaeBlockKind.Decode, _z, (_output, VaeBlockOutput.XHat)));
}
