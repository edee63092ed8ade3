using Microsoft.ML;
using VaeOnnx.Inference.Blocks;

namespace VaeOnnx.Inference.Transforms;

/// <summary>Encodes a column of raw feature vectors [D] into the posterior mean and log-variance columns [L].</summary>
public sealed class VaeEncodeEstimator : VaeEstimatorBase<VaeEncodeTransformer>
{
    private readonly string _input, _mu, _logVar;

    internal VaeEncodeEstimator(TransformsCatalog catalog, VaeModel model, string inputColumn, string muColumn, string logVarColumn) : base(catalog, model)
    {
        (_input, _mu, _logVar) = (inputColumn, muColumn, logVarColumn);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Column, int Size)> RequiredInputs => [(_input, Model.InputDim)];

    /// <inheritdoc />
    protected override IEstimator<ITransformer> BuildInner() =>
        Copy(Model.EncoderInput, _input)
            .Append(Onnx(Model.EncoderPath, [Model.EncoderInput], [Model.EncoderMu, Model.EncoderLogVar]))
            .Append(Copy(_mu, Model.EncoderMu))
            .Append(Copy(_logVar, Model.EncoderLogVar))
            .Append(Drop([Model.EncoderInput, Model.EncoderMu, Model.EncoderLogVar], _input, _mu, _logVar));

    /// <inheritdoc />
    protected override VaeEncodeTransformer Wrap(ITransformer inner) =>
        new(inner, Model.PairId, Blocks(VaeBlockKind.Encode, _input, (_mu, VaeBlockOutput.Mu), (_logVar, VaeBlockOutput.LogVar)));
}
