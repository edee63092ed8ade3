using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Export;

/// <summary>
/// Runs a written pair in ONNX Runtime and compares it with the TorchSharp model on the same raw rows: mu and logvar to
/// <see cref="Tolerance"/>, x_hat to <see cref="DecoderAllowance"/>. The references are computed exactly as the graphs
/// compute them, one float32 operation per node: with raw values around 1000 a double computation rounded once differs
/// from ONNX Runtime's by more than the tolerance.
/// </summary>
public static class ParityCheck
{
    /// <summary>Largest |ONNX - TorchSharp| accepted for mu and logvar, and for x_hat in the model's (scaled) space.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>
    /// Largest |ONNX - TorchSharp| accepted for one x_hat value in raw units, given the decoder's output in the scaled space
    /// and the feature's scaling: <see cref="Tolerance"/> carried through the unscale (divided by the scale when that
    /// enlarges it), plus two float32 ulps of the magnitudes the unscale handles. Near 1000 one ulp is 6.1e-5: the last-bit
    /// differences every two backends have in the network's output can flip the rounding of y / scale + offset by a whole
    /// ulp, which a flat 1e-5 would call a failed export.
    /// </summary>
    public static double DecoderAllowance(float scaled, float scale, float offset)
    {
        float magnitude = Math.Abs(scaled / scale) + Math.Abs(offset);
        double ulp = MathF.BitIncrement(magnitude) - magnitude;
        return Tolerance * Math.Max(1.0, 1.0 / Math.Abs(scale)) + 2 * ulp;
    }

    /// <summary>Compares the pair in <paramref name="folder"/> with <paramref name="model"/> on <paramref name="rawRows"/>; throws when it differs.</summary>
    internal static (double Encoder, double Decoder, int Rows) Run(VariationalAutoencoder model, FeatureScaling scaling, string folder, float[] rawRows)
    {
        var arch = model.Architecture;
        int dim = arch.InputDim;
        if (rawRows.Length == 0 || rawRows.Length % dim != 0)
            throw new OnnxExportException($"parity rows hold {rawRows.Length} values; expected a positive multiple of {dim}");
        int n = rawRows.Length / dim;
        var (mu, logvar, decodedScaled) = Reference(model, Scaled(rawRows, scaling, arch));
        var decoded = (float[])decodedScaled.Clone();
        if (!scaling.IsIdentity) scaling.Unscale(decoded);

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var runOptions = new RunOptions();
        var (onnxMu, onnxLogVar) = RunGraph(Path.Combine(folder, ModelCard.EncoderFileName), options, runOptions, "x", rawRows, [n, dim], "mu", "logvar");
        var (onnxXHat, _) = RunGraph(Path.Combine(folder, ModelCard.DecoderFileName), options, runOptions, "z", mu, [n, arch.LatentDim], "x_hat", null);
        double encoderDiff = Math.Max(MaxAbsDiff(onnxMu, mu), MaxAbsDiff(onnxLogVar!, logvar));
        double decoderDiff = MaxAbsDiff(onnxXHat, decoded);
        bool decoderWithin = onnxXHat.Length == decoded.Length;
        for (int i = 0; i < decoded.Length && decoderWithin; i++)
            decoderWithin = Math.Abs((double)onnxXHat[i] - decoded[i]) <= DecoderAllowance(decodedScaled[i], scaling.Scale[i % dim], scaling.Offset[i % dim]);
        if (!(encoderDiff <= Tolerance) || !decoderWithin)
            throw new OnnxExportException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: ONNX Runtime differs from the TorchSharp model by {encoderDiff:G3} (encoder) and {decoderDiff:G3} (decoder, raw units) on {n} rows; the limit is {Tolerance:G1} (for the decoder in the scaled space, plus float32 rounding of raw units). Nothing was written."));
        return (encoderDiff, decoderDiff, n);
    }

    /// <summary>A deterministic batch in raw units: uniform [0,1] (Bernoulli) or standard normal (Gaussian) in the scaled space.</summary>
    internal static float[] SyntheticRows(VaeArchitecture arch, FeatureScaling scaling, int rows)
    {
        var random = new Random(12345);
        var values = new float[rows * arch.InputDim];
        for (int i = 0; i < values.Length; i++)
        {
            double s = arch.IsBernoulli ? random.NextDouble()
                : Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = (float)(s / scaling.Scale[i % arch.InputDim] + scaling.Offset[i % arch.InputDim]);
        }
        return values;
    }

    private static float[] Scaled(float[] rawRows, FeatureScaling scaling, VaeArchitecture arch)
    {
        int dim = arch.InputDim;
        bool clip = scaling.ClipsToUnitInterval(arch.Likelihood);
        var scaled = new float[rawRows.Length];
        for (int i = 0; i < scaled.Length; i++)
        {
            float shifted = rawRows[i] - scaling.Offset[i % dim];
            float value = shifted * scaling.Scale[i % dim];
            scaled[i] = clip ? Math.Clamp(value, 0f, 1f) : value;
        }
        return scaled;
    }

    /// <summary>mu, logvar and the decoder output (probabilities or mean, scaled space) of the TorchSharp model.</summary>
    private static (float[] Mu, float[] LogVar, float[] Decoded) Reference(VariationalAutoencoder model, float[] scaled)
    {
        int n = scaled.Length / model.Architecture.InputDim;
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (m, lv) = model.encoder.forward(tensor(scaled, [n, model.Architecture.InputDim]));
        var y = model.decoder.forward(m);
        if (model.Architecture.IsBernoulli) y = y.sigmoid();
        return (m.data<float>().ToArray(), lv.data<float>().ToArray(), y.data<float>().ToArray());
    }

    private static (float[] First, float[]? Second) RunGraph(string path, SessionOptions options, RunOptions runOptions, string input, float[] values,
        long[] shape, string first, string? second)
    {
        using var session = new InferenceSession(path, options);
        using var x = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var outputs = session.Run(runOptions, [input], [x], second is null ? [first] : [first, second]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), second is null ? null : outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    internal static double MaxAbsDiff(ReadOnlySpan<float> a, float[] b)
    {
        if (a.Length != b.Length) return double.PositiveInfinity;
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(diff)) return double.NaN;
            max = Math.Max(max, diff);
        }
        return max;
    }
}
