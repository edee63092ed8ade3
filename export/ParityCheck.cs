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
    /// <remarks>
    /// A conditional pair is run with the condition of class r mod K on row r; an IAF pair with two noise draws per row
    /// (zeros, and a fixed standard normal draw), comparing z and log q(z|x) as well.
    /// </remarks>
    /// <returns>
    /// The largest |difference| of the encoder's outputs and of x_hat (raw units), the largest share of its own allowance
    /// any encoder and any x_hat value used (at most 1 when the check passes), and the rows compared.
    /// </returns>
    internal static (double Encoder, double Decoder, double EncoderAllowanceUsed, double DecoderAllowanceUsed, int Rows) Run(
        VariationalAutoencoder model, FeatureScaling scaling, string folder, float[] rawRows)
    {
        var arch = model.Architecture;
        int dim = arch.InputDim;
        if (rawRows.Length == 0 || rawRows.Length % dim != 0)
            throw new OnnxExportException($"parity rows hold {rawRows.Length} values; expected a positive multiple of {dim}");
        int n = rawRows.Length / dim;
        var inputs = ParityInputs.Create(arch, n);
        var reference = Reference(model, Scaled(rawRows, scaling, arch), inputs);
        var decoded = (float[])reference.Decoded.Clone();
        if (!scaling.IsIdentity) scaling.Unscale(decoded);

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var runOptions = new RunOptions();
        var encoderFeeds = new List<(string, float[], long[])> { ("x", rawRows, [n, dim]) };
        var decoderFeeds = new List<(string, float[], long[])> { ("z", reference.Mu, [n, arch.LatentDim]) };
        if (inputs.Condition is { } c)
        {
            encoderFeeds.Add((ConditionInput.DefaultInput, c, [n, arch.ConditionDim]));
            decoderFeeds.Add((ConditionInput.DefaultInput, c, [n, arch.ConditionDim]));
        }
        var encoderOutputs = new List<string> { "mu", "logvar" };
        if (inputs.Eps is { } eps)
        {
            encoderFeeds.Add((PosteriorSpec.DefaultEpsInput, eps, [n, ParityInputs.Draws, arch.LatentDim]));
            encoderOutputs.AddRange([PosteriorSpec.DefaultZOutput, PosteriorSpec.DefaultLogQOutput]);
        }
        var encoded = RunGraph(Path.Combine(folder, ModelCard.EncoderFileName), options, runOptions, encoderFeeds, encoderOutputs);
        var onnxXHat = RunGraph(Path.Combine(folder, ModelCard.DecoderFileName), options, runOptions, decoderFeeds, ["x_hat"])[0];
        double encoderDiff = Math.Max(MaxAbsDiff(encoded[0], reference.Mu), MaxAbsDiff(encoded[1], reference.LogVar));
        bool encoderWithin = encoderDiff <= Tolerance;
        double encoderUsed = encoderDiff / Tolerance;
        if (inputs.Eps is not null)
        {
            encoderDiff = Math.Max(encoderDiff, MaxAbsDiff(encoded[2], reference.Z!));
            encoderWithin = encoderDiff <= Tolerance;
            encoderUsed = encoderDiff / Tolerance;
            // log q(z|x) sums tens of terms of order 1: compared to 1e-5 plus float32 rounding of its magnitude.
            double logQDiff = MaxAbsDiff(encoded[3], reference.LogQ!);
            if (encoded[3].Length != reference.LogQ!.Length) (encoderWithin, encoderUsed) = (false, double.PositiveInfinity);
            for (int i = 0; i < reference.LogQ.Length && i < encoded[3].Length; i++)
            {
                double diff = Math.Abs((double)encoded[3][i] - reference.LogQ[i]), allowance = Tolerance + 8 * Ulp(reference.LogQ[i]);
                encoderWithin &= diff <= allowance;
                encoderUsed = Math.Max(encoderUsed, diff / allowance);
            }
            encoderDiff = Math.Max(encoderDiff, logQDiff);
        }
        double decoderDiff = MaxAbsDiff(onnxXHat, decoded);
        bool decoderWithin = onnxXHat.Length == decoded.Length;
        double decoderUsed = decoderWithin ? 0 : double.PositiveInfinity;
        for (int i = 0; i < decoded.Length && onnxXHat.Length == decoded.Length; i++)
        {
            double diff = Math.Abs((double)onnxXHat[i] - decoded[i]), allowance = DecoderAllowance(reference.Decoded[i], scaling.Scale[i % dim], scaling.Offset[i % dim]);
            decoderWithin &= diff <= allowance;
            decoderUsed = Math.Max(decoderUsed, diff / allowance);
        }
        if (!encoderWithin || !decoderWithin)
            throw new OnnxExportException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: ONNX Runtime differs from the TorchSharp model by {encoderDiff:G3} (encoder) and {decoderDiff:G3} (decoder, raw units) on {n} rows; the limit is {Tolerance:G1} (for the decoder in the scaled space, plus float32 rounding of raw units). Nothing was written."));
        return (encoderDiff, decoderDiff, encoderUsed, decoderUsed, n);
    }

    private static double Ulp(float value)
    {
        float magnitude = Math.Abs(value);
        return MathF.BitIncrement(magnitude) - magnitude;
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

    /// <summary>mu, logvar, the decoder output of mu (probabilities or mean, scaled space) and, for a flow, z and log q of the TorchSharp model.</summary>
    private static ParityReference Reference(VariationalAutoencoder model, float[] scaled, ParityInputs inputs)
    {
        var arch = model.Architecture;
        int n = scaled.Length / arch.InputDim;
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var c = inputs.Condition is { } condition ? tensor(condition, [n, arch.ConditionDim]) : null;
        var (m, lv, hidden) = model.encoder.Encode(tensor(scaled, [n, arch.InputDim]), c);
        var y = model.Decode(m, c);
        if (arch.IsBernoulli) y = y.sigmoid();
        float[]? z = null, logQ = null;
        if (inputs.Eps is { } eps)
        {
            var (draws, density) = model.SamplePosterior(m, lv, hidden, tensor(eps, [n, ParityInputs.Draws, arch.LatentDim]));
            (z, logQ) = (draws.data<float>().ToArray(), density.data<float>().ToArray());
        }
        return new ParityReference(m.data<float>().ToArray(), lv.data<float>().ToArray(), y.data<float>().ToArray(), z, logQ);
    }

    private static List<float[]> RunGraph(string path, SessionOptions options, RunOptions runOptions, IReadOnlyList<(string Name, float[] Values, long[] Shape)> feeds,
        IReadOnlyList<string> outputs)
    {
        using var session = new InferenceSession(path, options);
        var values = feeds.Select(f => OrtValue.CreateTensorValueFromMemory(f.Values, f.Shape)).ToArray();
        try
        {
            using var results = session.Run(runOptions, feeds.Select(f => f.Name).ToArray(), values, outputs.ToArray());
            return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToList();
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
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
