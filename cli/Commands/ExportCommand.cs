using System.CommandLine;
using System.Globalization;
using VaeOnnx.Export;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Sampling;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae export</c>: writes a checkpoint as a model folder (encoder.onnx, decoder.onnx, model.json), parity-checked.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint folder written by vae train.", Required = true };
        var output = new Option<string>("--out") { Description = "Model folder to write.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing model folder." };
        var parityRows = new Option<int>("--parity-rows") { Description = "Test rows used for the ONNX Runtime parity check (0 = synthetic rows).", DefaultValueFactory = _ => 256 }.AtLeast(0);
        var mixture = new Option<string>("--latent-mixture") { Description = "Fit a Gaussian mixture to the training codes and store it in the pair for vae sample --sampler gmm: off, auto (components chosen by held-out likelihood among 1-6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, stopping after two counts that do not beat the best) or a component count.", DefaultValueFactory = _ => "off" };
        var mixtureRows = new Option<int>("--mixture-max-rows") { Description = "Training codes the mixture is fitted on at most (a seeded random subset).", DefaultValueFactory = _ => 10_000 }.AtLeast(2);
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the export." };
        var falseAlarmRate = new Option<double>("--false-alarm-rate") { Description = "Table models: fraction of ordinary held-out rows the anomaly threshold may flag (IsAnomaly).", DefaultValueFactory = _ => 0.01 }.OpenFraction();
        var command = new Command("export", """
            Export a checkpoint as two ONNX graphs (encoder x -> mu, logvar; decoder z -> x_hat) plus model.json.
            Both graphs are run in ONNX Runtime and compared with the trained model: mu and logvar within 1e-5, and each
            x_hat value within 1e-5 in the model's scaled space, carried to raw units plus float32 rounding.
            Examples:
              vae export --checkpoint runs/fashion-mnist --out models/my-model
              vae export --checkpoint runs/fashion-mnist --out models/my-model --force --json
              vae export --checkpoint runs/fashion-mnist --out models/my-model --latent-mixture auto
            """)
        { checkpoint, output, force, parityRows, mixture, mixtureRows, falseAlarmRate, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var folder = parse.GetValue(checkpoint)!;
            int rows = parse.GetValue(parityRows);
            float[]? parity = null;
            var info = VaeCheckpoint.ReadInfo(folder);
            if (rows > 0 && info.Table is null)
            {
                try
                {
                    // Raw (unscaled) test rows: the graphs take raw features.
                    var test = TrainingDataLoader.LoadTest(info with { Scaling = FeatureScaling.Identity(info.Architecture.InputDim) }, null);
                    parity = test.Take(rows).Features;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"note: training data not readable ({e.Message}); parity check uses synthetic rows.");
                }
            }
            var fitOptions = MixtureOptions(parse.GetValue(mixture)!, parse.GetValue(mixtureRows));
            if (fitOptions is not null && info.Table is not null)
                throw new CommandUsageException($"--latent-mixture: {folder} is a table model; the latent mixture sampler is for image and numeric-feature models only.");
            var latentMixture = fitOptions is null ? null : FitMixture(folder, fitOptions, parse.InvocationConfiguration.Error);
            var command = TrainingCommandLine.Format(info);
            var result = VaeOnnxExporter.ExportCheckpoint(folder, parse.GetValue(output)!, command, parse.GetValue(force), parity, latentMixture,
                parse.GetValue(falseAlarmRate));
            var stdout = parse.InvocationConfiguration.Output;
            if (result.Card.Table?.Threshold?.Warning is { } warning) parse.InvocationConfiguration.Error.WriteLine($"warning: {warning}");
            if (parse.GetValue(json))
            {
                CommandRunner.WriteJson(stdout, new Dictionary<string, object?>
                {
                    ["model"] = result.Folder, ["pair_id"] = result.Card.PairId, ["encoder_max_abs_diff"] = result.EncoderMaxAbsDiff,
                    ["decoder_max_abs_diff"] = result.DecoderMaxAbsDiff, ["parity_rows"] = result.ParityRows,
                    ["parity_tolerance"] = ParityCheck.Tolerance, ["decoder_diff_units"] = result.DecoderComparedInRawUnits ? "raw" : "model",
                    ["encoder_allowance_used"] = result.EncoderAllowanceUsed, ["decoder_allowance_used"] = result.DecoderAllowanceUsed,
                    ["encoder_bytes"] = result.Card.FileBytes["encoder"], ["decoder_bytes"] = result.Card.FileBytes["decoder"],
                    ["latent_mixture_components"] = latentMixture?.Components,
                    ["latent_mixture_heldout_log_likelihood"] = latentMixture?.Selection?.HeldOutLogLikelihood,
                    ["latent_mixture_condition_components"] = latentMixture?.ComponentConditions is { } owners
                        ? Enumerable.Range(0, latentMixture.ConditionSelections!.Length).Select(k => owners.Count(o => o == k)).ToArray() : null,
                    ["anomaly_threshold"] = result.Card.Table?.Threshold?.Score, ["false_alarm_rate"] = result.Card.Table?.Threshold?.FalseAlarmRate,
                    ["threshold_rule"] = result.Card.Table?.Threshold is { } rule ? EnumText.Of(rule.Rule) : null,
                });
            }
            else
            {
                stdout.WriteLine($"wrote {result.Folder}: encoder.onnx, decoder.onnx, model.json (pair {result.Card.PairId})");
                stdout.WriteLine(ParityLine(result));
                if (result.Card.Table?.Threshold is { } t)
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"anomaly threshold {t.Score:R} (false-alarm rate {t.FalseAlarmRate:G3}, {EnumText.Of(t.Rule)} on {t.CalibrationRows} held-out rows, {t.CalibrationAlarmRate:P1} of them at or above it)"));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The parity check as it was applied: a raw-unit x_hat difference above 1e-5 is within its own allowance (the
    /// tolerance carried through the unscale), so the line says how much of each allowance was used, not a bare limit.
    /// </summary>
    private static string ParityLine(ExportResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var encoder = result.Card.Posterior is not null ? "mu, logvar, z: each within 1e-5; log q(z|x): 1e-5 plus float32 rounding"
            : result.Card.Table is not null ? "mu, logvar: each within 1e-5, scaled by the row's largest |feature| / 10 beyond 10" : "mu, logvar: each within 1e-5";
        var decoder = result.DecoderComparedInRawUnits
            ? "in raw units; each value within 1e-5 in the model's scaled space, carried to raw units plus float32 rounding"
            : result.Card.Table is not null ? "x_hat and logits: each within 1e-5, relative beyond magnitude 1" : "each value within 1e-5 in the model's space";
        return string.Create(c, $"parity with the trained model on {result.ParityRows} rows passed: encoder max |diff| {result.EncoderMaxAbsDiff:G3} ({encoder}; ")
            + Used(result.EncoderAllowanceUsed, c) + string.Create(c, $"), decoder x_hat max |diff| {result.DecoderMaxAbsDiff:G3} ({decoder}; ") + Used(result.DecoderAllowanceUsed, c) + ")";
    }

    private static string Used(double share, CultureInfo c) => string.Create(c, $"at most {share * 100:F0}% of the allowance used");

    /// <summary>The fit asked for by --latent-mixture, or null for off.</summary>
    private static MixtureFitOptions? MixtureOptions(string text, int maxRows)
    {
        if (text == "off") return null;
        if (text == "auto") return new MixtureFitOptions { MaxRows = maxRows };
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 1 and <= 1024)
            return new MixtureFitOptions { MaxRows = maxRows, Candidates = [k] };
        throw new CommandUsageException($"--latent-mixture: '{text}' is not off, auto or a component count from 1 to 1024.");
    }

    /// <summary>Encodes the checkpoint's training rows and fits the mixture to their codes.</summary>
    private static LatentMixture FitMixture(string folder, MixtureFitOptions options, TextWriter log)
    {
        var (info, model) = VaeCheckpoint.Load(folder);
        using (model)
        {
            var data = TrainResume.LoadData(info, info.Dataset.Source);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var codes = TrainingCodes.Compute(model, data.Train, info.Training.EvalBatchSize);
            var mixture = model.IsConditional
                ? LatentMixtureFitter.FitPerCondition(codes, data.Train.Labels!, info.Architecture.LatentDim, info.Architecture.ConditionDim, options)
                : LatentMixtureFitter.Fit(codes, info.Architecture.LatentDim, options);
            var c = CultureInfo.InvariantCulture;
            var choice = mixture.ConditionSelections is { } perCondition
                ? "; per condition: " + string.Join("; ", perCondition.Select((s, k) =>
                    string.Create(c, $"{info.Architecture.Condition!.Classes[k]} {mixture.ComponentConditions!.Count(o => o == k)}") + Choice(s, c)))
                : Choice(mixture.Selection, c);
            log.WriteLine(string.Create(c, $"latent mixture: {mixture.Components} components on {mixture.FittedRows} of {data.Train.Rows} training codes ({clock.Elapsed.TotalSeconds:F1} s)") + choice);
            return mixture;
        }
    }

    private static string Choice(MixtureSelection? selection, CultureInfo c) => selection is { } s
        ? " (held-out log-likelihood by components: " + string.Join(", ", s.Candidates.Zip(s.HeldOutLogLikelihood, (k, v) => string.Create(c, $"{k}: {v:F2}"))) + ")"
        : "";
}
