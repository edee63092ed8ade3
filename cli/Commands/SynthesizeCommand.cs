using System.CommandLine;
using System.Text;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae synthesize</c>: synthetic rows of a table model, with the training file's column names and spellings.</summary>
public static class SynthesizeCommand
{
    /// <summary>Builds the command; <paramref name="model"/> is the shared --model option.</summary>
    public static Command Create(Option<string> model)
    {
        var count = new Option<int>("--count") { Description = "Rows to draw.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and count give the same rows.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "CSV file to write.", Required = true };
        var command = new Command("synthesize", """
            Draw synthetic rows from a table model: the training file's columns and spellings (categories as text, integers
            whole, flags as the file wrote them), blank cells at the learned rate, reproducible per seed.
            Examples:
              vae synthesize --model models/customers --count 1000 --seed 1 --output synthetic.csv
            """)
        { model, count, seed, output };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var pair = ModelInput.LoadModel(parse.GetValue(model)!, null);
            if (pair.Table is null) throw new CommandUsageException($"vae synthesize: {parse.GetValue(model)} is not a table model; draw from an image or numeric model with vae sample.");
            using var synthesizer = new VaeTableSynthesizer(pair);
            var rows = synthesizer.Sample(parse.GetValue(count), parse.GetValue(seed));
            var path = parse.GetValue(output)!;
            TableScoreOutput.WriteText(path, ToCsv(rows));
            parse.InvocationConfiguration.Error.WriteLine($"synthesize: {rows.Count} rows (seed {parse.GetValue(seed)}) -> {path} (model pair {pair.PairId})");
            return 0;
        }));
        return command;
    }

    /// <summary>The rows as CSV with the table's header.</summary>
    public static string ToCsv(VaeTableRows rows)
    {
        var text = CsvText.AppendRecord(new StringBuilder(), rows.Schema.Columns.Select(c => c.Name));
        for (int r = 0; r < rows.Count; r++) CsvText.AppendRecord(text, Enumerable.Range(0, rows.Schema.Columns.Count).Select(j => rows.Cell(r, j)));
        return text.ToString();
    }
}
