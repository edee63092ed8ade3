using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using VaeOnnx.Inference.Onnx;
using VaeOnnx.Inference.Onnx.Proto;
using VaeOnnx.Inference.Contract;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Export;

/// <summary>
/// Writes a trained VAE as a model folder: <c>encoder.onnx</c> (x -> mu, logvar), <c>decoder.onnx</c> (z -> x_hat) and
/// <c>model.json</c>. Input scaling is baked in (raw features in, raw units out). After writing, both graphs run in ONNX
/// Runtime on a parity batch and must match the TorchSharp forward to 1e-5 (x_hat: in the scaled space, see
/// <see cref="DecoderAllowance"/>), or the export fails and leaves nothing behind.
/// </summary>
public static class VaeOnnxExporter
{
    /// <summary>Largest |ONNX - TorchSharp| accepted for mu and logvar, and for x_hat in the model's (scaled) space.</summary>
    public const double ParityTolerance = 1e-5;

    /// <summary>
    /// Largest |ONNX - TorchSharp| accepted for one x_hat value in raw units, given the decoder's output in the scaled space
    /// and the feature's scaling: <see cref="ParityTolerance"/> carried through the unscale (divided by the scale when that
    /// enlarges it), plus two float32 ulps of the magnitudes the unscale handles. Near 1000 one ulp is 6.1e-5: the last-bit
    /// differences every two backends have in the network's output can flip the rounding of y / scale + offset by a whole
    /// ulp, which a flat 1e-5 would call a failed export.
    /// </summary>
    public static double DecoderAllowance(float scaled, float scale, float offset)
    {
        float magnitude = Math.Abs(scaled / scale) + Math.Abs(offset);
        double ulp = MathF.BitIncrement(magnitude) - magnitude;
        return ParityTolerance * Math.Max(1.0, 1.0 / Math.Abs(scale)) + 2 * ulp;
    }

    /// <summary>Exports the model of a checkpoint folder.</summary>
    public static ExportResult ExportCheckpoint(string checkpointFolder, string outFolder, bool force = false, float[]? parityRows = null)
    {
        var (info, model) = VaeCheckpoint.Load(checkpointFolder);
        using (model)
        {
            var description = new ExportDescription(info.Scaling, info.Dataset, info.Evaluation,
                JsonSerializer.Serialize(info.Training), TrainingCommand(info));
            return Export(model, description, outFolder, force, parityRows);
        }
    }

    /// <summary>Exports <paramref name="model"/> into <paramref name="outFolder"/>.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="description">Scaling and facts for the metadata.</param>
    /// <param name="outFolder">Model folder to create.</param>
    /// <param name="force">Replace an existing model folder.</param>
    /// <param name="parityRows">Raw input rows (row-major) for the parity check; null uses a deterministic synthetic batch.</param>
    public static ExportResult Export(VariationalAutoencoder model, ExportDescription description, string outFolder, bool force = false,
        float[]? parityRows = null)
    {
        var arch = model.Architecture;
        description.Scaling.Validate(arch.InputDim);
        var full = Path.GetFullPath(outFolder);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !force)
            throw new OnnxExportException($"{full}: the model folder exists and is not empty; use --force to replace it");
        var parent = Path.GetDirectoryName(full) ?? throw new OnnxExportException($"{full}: not a valid model folder path");
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxExportException($"{parent}: cannot create the output folder ({e.Message})", e);
        }

        var pairId = Guid.NewGuid().ToString("N");
        var version = ProducerVersion;
        var encoderModel = BuildEncoder(model, description, pairId, version, out long encoderParameters);
        var decoderModel = BuildDecoder(model, description, pairId, version, out long decoderParameters);

        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.export-{pairId[..8]}");
        try
        {
            try
            {
                Directory.CreateDirectory(staging);
                // Flushed to disk (AtomicFileWriter) before the folder is swapped in: after a power cut the new folder must not name empty blocks.
                AtomicFileWriter.Write(Path.Combine(staging, ModelCard.EncoderFileName), encoderModel.WriteTo);
                AtomicFileWriter.Write(Path.Combine(staging, ModelCard.DecoderFileName), decoderModel.WriteTo);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OnnxExportException($"{parent}: cannot write the model files ({e.Message})", e);
            }
            var rows = parityRows ?? SyntheticRows(arch, description, 64);
            var (encoderDiff, decoderDiff, count) = CheckParity(model, description, staging, rows);
            var card = new ModelCard
            {
                PairId = pairId, Name = Path.GetFileName(full), ExportedUtc = DateTime.UtcNow.ToString("O"), ProducerVersion = version,
                InputShape = string.Join("x", arch.InputShape), InputDim = arch.InputDim, LatentDim = arch.LatentDim,
                Likelihood = arch.Likelihood, DecoderOutput = arch.IsBernoulli ? "probabilities" : "mean",
                FeatureNames = description.Dataset.FeatureNames, ClassNames = description.Dataset.ClassNames, Dataset = description.Dataset.Name,
                TestNegElbo = description.Evaluation?.TestNegElbo, IwLogPx = description.Evaluation?.IwLogPx,
                Parameters = new Dictionary<string, long> { ["encoder"] = encoderParameters, ["decoder"] = decoderParameters },
                FileBytes = new Dictionary<string, long>
                {
                    ["encoder"] = new FileInfo(Path.Combine(staging, ModelCard.EncoderFileName)).Length,
                    ["decoder"] = new FileInfo(Path.Combine(staging, ModelCard.DecoderFileName)).Length,
                },
                ParityMaxAbsDiff = Math.Max(encoderDiff, decoderDiff),
                Architecture = JsonSerializer.SerializeToElement(arch), Training = JsonDocument.Parse(description.TrainingConfigJson).RootElement,
                TrainingCommand = description.TrainingCommand,
            };
            AtomicFileWriter.WriteText(Path.Combine(staging, ModelCard.FileName), JsonSerializer.Serialize(card, new JsonSerializerOptions { WriteIndented = true }));
            MoveIntoPlace(staging, full);
            return new ExportResult(full, card, encoderDiff, decoderDiff, count);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The version written as producer_version: the assembly's informational version.</summary>
    public static string ProducerVersion =>
        typeof(VaeOnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static ModelProto BuildEncoder(VariationalAutoencoder model, ExportDescription d, string pairId, string version, out long parameters)
    {
        var arch = model.Architecture;
        var g = new OnnxGraphBuilder("vae_encoder");
        string x = g.AddInput("x", arch.InputDim);
        if (!d.Scaling.IsIdentity)
        {
            x = g.AddNode("Sub", "scale_input.sub", [x, g.AddInitializer("scaling.offset", d.Scaling.Offset, arch.InputDim)]);
            x = g.AddNode("Mul", "scale_input.mul", [x, g.AddInitializer("scaling.scale", d.Scaling.Scale, arch.InputDim)]);
        }
        if (d.Scaling.ClipsToUnitInterval(arch.Likelihood))
        {
            // The trainer clips min-max scaled rows to [0,1] for a Bernoulli decoder (FeatureScaling.ClipsToUnitInterval);
            // raw rows outside the training range must reach the encoder as they did in training. Opset 17's Clip takes its
            // bounds as scalar inputs.
            x = g.AddNode("Clip", "scale_input.clip", [x, g.AddInitializer("scaling.clip_min", [0f]), g.AddInitializer("scaling.clip_max", [1f])]);
        }
        var h = ModuleGraphMapper.Append(g, model.encoder.body, "encoder.body", x);
        g.RenameValue(ModuleGraphMapper.Append(g, model.encoder.mu, "encoder.mu", h), "mu");
        g.RenameValue(ModuleGraphMapper.Append(g, model.encoder.logvar, "encoder.logvar", h), "logvar");
        g.AddOutput("mu", arch.LatentDim);
        g.AddOutput("logvar", arch.LatentDim);
        parameters = g.ParameterCount;
        return g.BuildModel(version, 1, "VaeOnnx encoder: x [N, D] raw features -> mu [N, L], logvar [N, L] of q(z|x) = N(mu, diag exp(logvar)).",
            Metadata(model, d, pairId, "encoder"));
    }

    private static ModelProto BuildDecoder(VariationalAutoencoder model, ExportDescription d, string pairId, string version, out long parameters)
    {
        var arch = model.Architecture;
        var g = new OnnxGraphBuilder("vae_decoder");
        var y = ModuleGraphMapper.Append(g, model.decoder.body, "decoder.body", g.AddInput("z", arch.LatentDim));
        if (arch.IsBernoulli) y = g.AddNode("Sigmoid", "decoder.probabilities", [y]);
        if (!d.Scaling.IsIdentity)
        {
            y = g.AddNode("Div", "unscale_output.div", [y, g.AddInitializer("scaling.scale", d.Scaling.Scale, arch.InputDim)]);
            y = g.AddNode("Add", "unscale_output.add", [y, g.AddInitializer("scaling.offset", d.Scaling.Offset, arch.InputDim)]);
        }
        g.RenameValue(y, "x_hat");
        g.AddOutput("x_hat", arch.InputDim);
        parameters = g.ParameterCount;
        var doc = arch.IsBernoulli
            ? "VaeOnnx decoder: z [N, L] -> x_hat [N, D], the Bernoulli probabilities of p(x|z) in raw feature units."
            : "VaeOnnx decoder: z [N, L] -> x_hat [N, D], the mean of the Gaussian p(x|z) in raw units; its per-feature log-variance (scaled space) is in metadata vaeonnx.decoder_logvar.";
        return g.BuildModel(version, 1, doc, Metadata(model, d, pairId, "decoder"));
    }

    private static Dictionary<string, string> Metadata(VariationalAutoencoder model, ExportDescription d, string pairId, string role)
    {
        var arch = model.Architecture;
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var metadata = new Dictionary<string, string>
        {
            [VaeMetadataKeys.FormatVersion] = VaeMetadataKeys.CurrentFormatVersion,
            [VaeMetadataKeys.Role] = role,
            [VaeMetadataKeys.PairId] = pairId,
            [VaeMetadataKeys.InputShape] = string.Join("x", arch.InputShape),
            [VaeMetadataKeys.InputDim] = arch.InputDim.ToString(CultureInfo.InvariantCulture),
            [VaeMetadataKeys.LatentDim] = arch.LatentDim.ToString(CultureInfo.InvariantCulture),
            [VaeMetadataKeys.Likelihood] = arch.Likelihood,
            [VaeMetadataKeys.DecoderOutput] = arch.IsBernoulli ? "probabilities" : "mean",
            [VaeMetadataKeys.Scaling] = JsonSerializer.Serialize(d.Scaling),
            [VaeMetadataKeys.Dataset] = d.Dataset.Name,
            [VaeMetadataKeys.Architecture] = JsonSerializer.Serialize(arch),
            [VaeMetadataKeys.TrainingConfig] = d.TrainingConfigJson,
        };
        if (d.Dataset.FeatureNames is { } names) metadata[VaeMetadataKeys.FeatureNames] = JsonSerializer.Serialize(names);
        if (d.Evaluation is { } e)
        {
            metadata[VaeMetadataKeys.TestNegElbo] = F(e.TestNegElbo);
            if (e.IwLogPx is double iw) metadata[VaeMetadataKeys.IwLogPx] = F(iw);
        }
        if (!arch.IsBernoulli)
            metadata[VaeMetadataKeys.DecoderLogVar] = JsonSerializer.Serialize(DecoderLogVar(model));
        return metadata;
    }

    /// <summary>
    /// The per-feature log-variance the Gaussian likelihood uses, as written to metadata: the parameter floored exactly as
    /// the loss floors it (<see cref="ElboLoss.EffectiveDecoderLogVar"/>), so scoring and training agree.
    /// </summary>
    public static float[] DecoderLogVar(VariationalAutoencoder model)
    {
        // detach, clamp and contiguous each make a tensor: the scope frees all of them.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ElboLoss.EffectiveDecoderLogVar(model.decoder_logvar.detach()).contiguous().data<float>().ToArray();
    }

    private static (double Encoder, double Decoder, int Rows) CheckParity(VariationalAutoencoder model, ExportDescription d, string folder, float[] rawRows)
    {
        var arch = model.Architecture;
        int dim = arch.InputDim, latent = arch.LatentDim;
        if (rawRows.Length == 0 || rawRows.Length % dim != 0)
            throw new OnnxExportException($"parity rows hold {rawRows.Length} values; expected a positive multiple of {dim}");
        int n = rawRows.Length / dim;
        // The references are computed exactly as the graphs compute them, one float32 operation per node: with raw values
        // around 1000 a double computation rounded once differs from ONNX Runtime's by more than the tolerance.
        bool clip = d.Scaling.ClipsToUnitInterval(arch.Likelihood);
        var scaled = (float[])rawRows.Clone();
        for (int i = 0; i < scaled.Length; i++)
        {
            float shifted = scaled[i] - d.Scaling.Offset[i % dim];
            float value = shifted * d.Scaling.Scale[i % dim];
            scaled[i] = clip ? Math.Clamp(value, 0f, 1f) : value;
        }

        float[] mu, logvar, decoded;
        model.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            var (m, lv) = model.encoder.forward(tensor(scaled, [n, dim]));
            var y = model.decoder.forward(m);
            if (arch.IsBernoulli) y = y.sigmoid();
            mu = m.data<float>().ToArray();
            logvar = lv.data<float>().ToArray();
            decoded = y.data<float>().ToArray();
        }
        var decodedScaled = (float[])decoded.Clone();
        if (!d.Scaling.IsIdentity)
        {
            for (int i = 0; i < decoded.Length; i++)
            {
                float unscaled = decoded[i] / d.Scaling.Scale[i % dim];
                decoded[i] = unscaled + d.Scaling.Offset[i % dim];
            }
        }

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var runOptions = new RunOptions();
        double encoderDiff, decoderDiff;
        bool decoderWithin;
        using (var encoder = new InferenceSession(Path.Combine(folder, ModelCard.EncoderFileName), options))
        using (var input = OrtValue.CreateTensorValueFromMemory(rawRows, [n, dim]))
        using (var outputs = encoder.Run(runOptions, ["x"], [input], ["mu", "logvar"]))
        {
            encoderDiff = Math.Max(MaxAbsDiff(outputs[0].GetTensorDataAsSpan<float>(), mu), MaxAbsDiff(outputs[1].GetTensorDataAsSpan<float>(), logvar));
        }
        using (var decoder = new InferenceSession(Path.Combine(folder, ModelCard.DecoderFileName), options))
        using (var input = OrtValue.CreateTensorValueFromMemory(mu, [n, latent]))
        using (var outputs = decoder.Run(runOptions, ["z"], [input], ["x_hat"]))
        {
            var onnx = outputs[0].GetTensorDataAsSpan<float>();
            decoderDiff = MaxAbsDiff(onnx, decoded);
            decoderWithin = onnx.Length == decoded.Length;
            for (int i = 0; i < decoded.Length && decoderWithin; i++)
                decoderWithin = Math.Abs((double)onnx[i] - decoded[i]) <= DecoderAllowance(decodedScaled[i], d.Scaling.Scale[i % dim], d.Scaling.Offset[i % dim]);
        }
        if (!(encoderDiff <= ParityTolerance) || !decoderWithin)
            throw new OnnxExportException(FormattableString.Invariant(
                $"parity check failed: ONNX Runtime differs from the TorchSharp model by {encoderDiff:G3} (encoder) and {decoderDiff:G3} (decoder, raw units) on {n} rows; the limit is {ParityTolerance:G1} (for the decoder in the scaled space, plus float32 rounding of raw units). Nothing was written."));
        return (encoderDiff, decoderDiff, n);
    }

    private static double MaxAbsDiff(ReadOnlySpan<float> a, float[] b)
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

    /// <summary>A deterministic batch in raw units: uniform [0,1] (Bernoulli) or standard normal (Gaussian) in the scaled space.</summary>
    private static float[] SyntheticRows(VaeArchitecture arch, ExportDescription d, int rows)
    {
        var random = new Random(12345);
        var values = new float[rows * arch.InputDim];
        for (int i = 0; i < values.Length; i++)
        {
            double s = arch.IsBernoulli ? random.NextDouble()
                : Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = (float)(s / d.Scaling.Scale[i % arch.InputDim] + d.Scaling.Offset[i % arch.InputDim]);
        }
        return values;
    }

    private static void MoveIntoPlace(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        // Replacing: swap the two folders in one step, then remove the old pair (now under the staging name).
        if (AtomicDirectoryExchange.TryExchange(staging, target))
        {
            Directory.Delete(staging, recursive: true);
            return;
        }
        // No atomic exchange on this system: the old folder steps aside whole and the new one takes its name whole.
        var previous = target + $".replaced-{Guid.NewGuid():N}"[..18];
        Directory.Move(target, previous);
        Directory.Move(staging, target);
        Directory.Delete(previous, recursive: true);
    }

    private static string TrainingCommand(CheckpointInfo info)
    {
        // Every setting that changes the trained weights, so that the command reproduces this pair on the same data.
        var a = info.Architecture;
        var t = info.Training;
        var d = info.Dataset;
        var c = CultureInfo.InvariantCulture;
        var command = new System.Text.StringBuilder(string.Create(c,
            $"vae train --data {ShellWord(d.Source)} --arch {a.Kind} --hidden {string.Join(",", a.Hidden)} --latent {a.LatentDim} --activation {a.Activation} --likelihood {a.Likelihood}"));
        if (a.Likelihood == "gaussian") command.Append(c, $" --gaussian-variance {a.GaussianVariance}");
        command.Append(c, $" --beta {t.Beta} --warmup {t.WarmupEpochs} --epochs {t.Epochs} --batch {t.BatchSize} --lr {t.LearningRate} --seed {t.Seed}");
        if (t.Threads > 0) command.Append(c, $" --threads {t.Threads}");
        if (t.EarlyStoppingPatience > 0) command.Append(c, $" --patience {t.EarlyStoppingPatience}");
        if (d.ValidationFraction > 0) command.Append(c, $" --validation {d.ValidationFraction}");
        if (d.LabelColumn is { } label) command.Append(c, $" --label-column {ShellWord(label)}");
        if (d.MaxTrainRows is { } maxTrain) command.Append(c, $" --max-train-rows {maxTrain}");
        if (d.MaxTestRows is { } maxTest) command.Append(c, $" --max-test-rows {maxTest}");
        return command.ToString();
    }

    /// <summary>A path or column name as one word of a POSIX shell command line (single-quoted when it needs to be).</summary>
    private static string ShellWord(string value) =>
        value.Length > 0 && value.All(ch => char.IsAsciiLetterOrDigit(ch) || "/._-+,:=@".Contains(ch)) ? value : "'" + value.Replace("'", "'\\''") + "'";
}
