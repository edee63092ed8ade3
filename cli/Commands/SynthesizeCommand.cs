using System.CommandLine;
using System.Globalization;
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
        var condition = new Option<string?>("--condition")
        {
            Description = "Conditional table models (vae train --condition-column C): COLUMN=VALUE, e.g. segment=gold; every row gets that value and the other columns come from p(x|z,c). Without it, each row's value is drawn in the training rows' proportions.",
        };
        var command = new Command("synthesize", """
            Draw synthetic rows from a table model: the training file's columns and spellings (categories as text, integers
            whole, flags as the file wrote them), blank cells at the learned rate, reproducible per seed. A model trained with
            --condition-column writes that column too (last): the value asked with --condition, or values drawn in the
            training rows' proportions without it. A model trained with --id-column writes its id columns first, with fresh
            ids that never equal a training id: row k is synthetic-<k in six digits> (synthetic-000001, synthetic-000002,
            ...), and training refuses ids that start with synthetic-.
            Examples:
              vae synthesize --model models/customers --count 1000 --seed 1 --output synthetic.csv
              vae synthesize --model models/customers-by-segment --count 500 --condition segment=gold --output gold.csv
            """)
        { model, count, seed, output, condition };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var folder = parse.GetValue(model)!;
            var pair = ModelInput.LoadModel(folder, null);
            if (pair.Table is null) throw new CommandUsageException($"vae synthesize: {folder} is not a table model; draw from an image or numeric model with vae sample.");
            var asked = parse.GetValue(condition) is { } text ? ParseCondition(pair, text) : null;
            using var synthesizer = new VaeTableSynthesizer(pair);
            var path = parse.GetValue(output)!;
            int rows = Write(path, synthesizer.SampleBlocks(parse.GetValue(count), parse.GetValue(seed), BlockRows, asked), pair.Table.IdColumns);
            var stderr = parse.InvocationConfiguration.Error;
            if (pair.Condition is { } spec)
                stderr.WriteLine(asked is null
                    ? $"synthesize: '{spec.Column}' drawn in the training proportions ({Proportions(spec)}); ask for one value with --condition {spec.Column}=VALUE"
                    : $"synthesize: every row has {spec.Column}={asked}");
            stderr.WriteLine($"synthesize: {rows} rows (seed {parse.GetValue(seed)}) -> {path} (model pair {pair.PairId})");
            return 0;
        }));
        return command;
    }

    /// <summary>The value of "COLUMN=VALUE", checked against the pair's condition; a wrong column or value names the model file, the column and the values.</summary>
    private static string ParseCondition(VaeModel pair, string text)
    {
        int split = text.IndexOf('=');
        if (pair.Condition is not { } spec)
            throw new CommandUsageException($"--condition {text}: {pair.EncoderPath} was trained without a condition (vae train --condition-column); leave --condition out.");
        if (split <= 0)
            throw new CommandUsageException($"--condition {text}: expected COLUMN=VALUE, e.g. {spec.Column}={spec.Classes[0]}.");
        var (column, value) = (text[..split].Trim(), text[(split + 1)..].Trim());
        if (column != spec.Column)
            throw new CommandUsageException($"--condition {text}: {pair.EncoderPath} is conditioned on column '{spec.Column}', not '{column}'; expected {spec.Column}=VALUE with VALUE one of {string.Join(", ", spec.Classes)}.");
        if (!spec.Classes.Contains(value))
            throw new CommandUsageException($"--condition {text}: '{value}' is not a value of column '{spec.Column}' in {pair.EncoderPath}; expected one of {string.Join(", ", spec.Classes)}.");
        return value;
    }

    private static string Proportions(ConditionSpec spec) => string.Join(", ", spec.Classes.Select((c, i) =>
        string.Create(CultureInfo.InvariantCulture, $"{c} {(spec.Proportions is { } p ? p[i] : 1.0 / spec.Dim):P0}")));

    /// <summary>Rows drawn and written per block: the file is written as it is drawn, so memory does not grow with <c>--count</c>.</summary>
    private const int BlockRows = 64 * VaeTableSynthesizer.DrawRows;

    /// <summary>
    /// Writes <paramref name="blocks"/> to <paramref name="path"/> atomically as one CSV with the table's header, after
    /// <paramref name="idColumns"/> filled with fresh ids (<see cref="TableIds.Synthetic"/>, numbered across blocks); returns the rows.
    /// </summary>
    public static int Write(string path, IEnumerable<VaeTableRows> blocks, IReadOnlyList<string> idColumns)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        int rows = 0;
        AtomicFileWriter.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            bool header = true;
            foreach (var block in blocks)
            {
                var text = header ? CsvText.AppendRecord(new StringBuilder(), idColumns.Concat(block.ColumnNames)) : new StringBuilder();
                header = false;
                AppendRows(text, block, idColumns.Count, rows);
                writer.Write(text);
                rows += block.Count;
            }
        });
        return rows;
    }

    private static StringBuilder AppendRows(StringBuilder text, VaeTableRows rows, int ids, int firstRow)
    {
        int columns = rows.ColumnNames.Count;
        for (int r = 0; r < rows.Count; r++)
            CsvText.AppendRecord(text, Enumerable.Repeat(TableIds.Synthetic(firstRow + r), ids).Concat(Enumerable.Range(0, columns).Select(j => rows.Cell(r, j))));
        return text;
    }
}
