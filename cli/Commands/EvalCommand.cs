using System.CommandLine;
using System.Globalization;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae eval</c>: the test negative ELBO, its parts, active units and the IWAE estimate of log p(x) of a checkpoint.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint folder written by vae train.", Required = true };
        var data = new Option<string?>("--data") { Description = "Data the checkpoint was trained on (default: the source recorded in the checkpoint)." };
        var iwSamples = new Option<int>("--iw-samples") { Description = "Importance samples K (0 = skip the estimate).", DefaultValueFactory = _ => 1000 }.AtLeast(0);
        var iwRows = new Option<int>("--iw-rows") { Description = "Test rows the estimate averages over.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "LibTorch threads (0 = all cores).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures." };
        var command = new Command("eval", """
            Evaluate a checkpoint on its test split: negative ELBO (nats/sample), reconstruction and KL parts,
            active latent units, and the importance-weighted estimate of log p(x).
            Examples:
              vae eval --checkpoint runs/fmnist --iw-samples 1000 --json
              vae eval --checkpoint runs/table --data moved/table.csv --iw-samples 0
            """)
        { checkpoint, data, iwSamples, iwRows, threads, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var folder = parse.GetValue(checkpoint)!;
            if (parse.GetValue(threads) > 0) TorchSharp.torch.set_num_threads(parse.GetValue(threads));
            var (info, model) = VaeCheckpoint.Load(folder);
            using (model)
            {
                var test = TrainingDataLoader.LoadTest(info, parse.GetValue(data));
                var summary = VaeEvaluator.Summarize(model, test, parse.GetValue(iwSamples), parse.GetValue(iwRows),
                    VaeTrainer.EvalSeed(info.Training.Seed), info.Training.EvalBatchSize, info.Metrics.LastOrDefault()?.SamplesPerSecond ?? 0);
                VaeCheckpoint.WriteEvaluation(folder, summary);
                Print(parse.InvocationConfiguration.Output, summary, parse.GetValue(json), folder, info.StopReason);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Prints the figures as one JSON object or as readable lines.</summary>
    public static void Print(TextWriter output, EvaluationSummary s, bool json, string folder, StopReason? stopReason)
    {
        if (json)
        {
            CommandRunner.WriteJson(output, new Dictionary<string, object?>
            {
                ["test_neg_elbo"] = s.TestNegElbo, ["test_recon"] = s.TestRecon, ["test_kl"] = s.TestKl,
                ["iw_log_px"] = s.IwLogPx, ["iw_samples"] = s.IwSamples, ["iw_rows"] = s.IwRows,
                ["active_units"] = s.ActiveUnits, ["samples_per_s"] = s.SamplesPerSecond,
                ["checkpoint"] = folder, ["stop_reason"] = stopReason is { } reason ? EnumText.Of(reason) : null,
            });
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test -ELBO {s.TestNegElbo:F2} nats/sample (reconstruction {s.TestRecon:F2} + KL {s.TestKl:F2}), active units {s.ActiveUnits}"));
        if (s.IwLogPx is double iw)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"importance-weighted log p(x) {iw:F2} nats/sample (K={s.IwSamples}, first {s.IwRows} test rows)"));
        output.WriteLine($"checkpoint: {folder}");
    }
}
