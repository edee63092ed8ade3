using VaeOnnx.Contract;

namespace VaeOnnx.Export;

/// <summary>What an export wrote.</summary>
/// <param name="Folder">The model folder.</param>
/// <param name="Card">The card written as model.json.</param>
/// <param name="EncoderMaxAbsDiff">Largest |ONNX - TorchSharp| over mu and logvar (and an IAF posterior's z and log q(z|x)) on the parity batch.</param>
/// <param name="DecoderMaxAbsDiff">
/// Largest |ONNX - TorchSharp| over x_hat on the parity batch: in raw units for an image or numeric pair, whose values
/// each have their own allowance (<see cref="ParityCheck.DecoderAllowance"/>), so this may exceed
/// <see cref="ParityCheck.Tolerance"/> in a passed check; in the model's space for a table pair.
/// </param>
/// <param name="ParityRows">Rows in the parity batch.</param>
public sealed record ExportResult(string Folder, ModelCard Card, double EncoderMaxAbsDiff, double DecoderMaxAbsDiff, int ParityRows)
{
    /// <summary>
    /// The largest share of its allowance that any encoder output value used: |difference| / <see cref="ParityCheck.Tolerance"/>,
    /// for log q(z|x) / (the tolerance plus float32 rounding of its magnitude). At most 1: the check passed.
    /// </summary>
    public double EncoderAllowanceUsed { get; init; }

    /// <summary>The largest share of its allowance that any x_hat value used (see <see cref="DecoderMaxAbsDiff"/>); at most 1.</summary>
    public double DecoderAllowanceUsed { get; init; }

    /// <summary>True when x_hat was compared in raw units with a per-value allowance (image and numeric pairs), false when in the model's space against <see cref="ParityCheck.Tolerance"/> (table pairs).</summary>
    public bool DecoderComparedInRawUnits { get; init; }
}
