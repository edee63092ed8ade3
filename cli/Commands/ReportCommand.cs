using System.CommandLine;
using System.Globalization;
using VaeOnnx.Cli.Report;
using VaeOnnx.Cli.Scoring;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae report</c>: synthetic quality (SDMetrics definitions), histograms and the top anomalies of a table model on a table.</summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder of a table model.", Required = true };
        var data = new Option<string>("--data") { Description = "CSV table of real rows (e.g. the training file or held-out rows).", Required = true };
        var output = new Option<string>("--out") { Description = "Report folder (report.md, quality.json, hist-<column>.png).", Required = true };
        var count = new Option<int?>("--count") { Description = "Synthetic rows to draw (default: as many as the real rows)." }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic rows.", DefaultValueFactory = _ => 1 };
        var synthetic = new Option<string?>("--synthetic") { Description = "Score this CSV of synthetic rows (e.g. another method's) instead of drawing from the model." };
        var holdout = new Option<string?>("--holdout") { Description = "CSV of real rows the model never trained on (e.g. a held-out split): the privacy section then gives the share of synthetic rows closer to the training rows (--data) than to these." };
        var json = new Option<bool>("--json") { Description = "Print the quality and privacy figures as one JSON object." };
        var command = new Command("report", """
            Report on a table model: synthetic rows scored against real ones with SDMetrics' definitions (column shapes:
            1 - KS or 1 - total variation; column-pair trends: correlation or contingency similarity; overall: their mean),
            a real-vs-synthetic histogram per column, and the most unusual rows with their top contributing columns, each
            named by its id (the model's --id-column) or, without one, by its line in the file; and privacy: exact copies
            of real rows and the distance to the closest record, against --data and a --holdout the model never saw.
            Examples:
              vae report --model models/customers --data customers.csv --out report
              vae report --model models/customers --data train.csv --holdout holdout.csv --out report
            """)
        { model, data, output, count, seed, synthetic, holdout, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var pair = ModelInput.LoadModel(parse.GetValue(model)!, null);
            if (pair.Table is null) throw new CommandUsageException($"vae report: {parse.GetValue(model)} is not a table model.");
            var path = parse.GetValue(data)!;
            var real = ReportRows.Read(path, pair, parse.InvocationConfiguration.Error);
            var folder = parse.GetValue(output)!;
            var given = parse.GetValue(synthetic) is { } file ? TableInput.Read(file, pair.Table, pair.Condition) : null;
            var held = parse.GetValue(holdout) is { } holdoutFile ? TableInput.Read(holdoutFile, pair.Table, pair.Condition) : null;
            var (quality, privacy) = TableReport.Write(pair, real, Path.GetFileName(path), folder, parse.GetValue(count) ?? real.Rows.Count, parse.GetValue(seed), given, held);
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                CommandRunner.WriteJson(stdout, new Dictionary<string, object?>
                {
                    ["overall"] = quality.Overall, ["column_shapes"] = quality.ColumnShapesScore, ["column_pair_trends"] = quality.PairTrendsScore,
                    ["exact_copies"] = privacy.ExactCopies, ["dcr_median"] = privacy.MedianDistance, ["dcr_closer_to_training"] = privacy.CloserToTraining,
                });
            else
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"quality: overall {quality.Overall:F3} (column shapes {quality.ColumnShapesScore:F3}, column-pair trends {quality.PairTrendsScore:F3}); exact copies {privacy.ExactCopies}{(privacy.CloserToTraining is { } share ? $", closer to training than holdout {share:P1}" : "")}; report in {folder}"));
            return 0;
        }));
        return command;
    }
}
