using VaeOnnx.Cli.Scoring;
using VaeOnnx.Inference;
using VaeOnnx.Sources;
using VaeOnnx.Tables;

namespace VaeOnnx.Cli.Report;

/// <summary>
/// The real rows of a report with a name for each: its id cells (the model's id columns, <see cref="TableSchema.IdColumns"/>),
/// or its line in the file when the file lacks them, so that the report's anomalies name customers, not positions.
/// </summary>
/// <param name="Rows">The rows as the model reads them.</param>
/// <param name="NameHeader">What the names are: the id columns' names, or "line".</param>
/// <param name="Names">One name per row: its id cells joined by ", ", or its line number.</param>
public sealed record ReportRows(VaeTableRows Rows, string NameHeader, IReadOnlyList<string> Names)
{
    /// <summary>Reads <paramref name="path"/> (a CSV or Parquet file) whole for <paramref name="model"/>; a recorded id column it lacks is noted on <paramref name="notes"/>.</summary>
    public static ReportRows Read(string path, VaeModel model, TextWriter notes)
    {
        var schema = model.Table ?? throw new ArgumentException($"{model.EncoderPath}: not a table pair", nameof(model));
        var table = TableSource.Parse(path).Read();
        var rows = TableInput.Rows(table, new TableFeaturizer(schema), model.Condition);
        var ids = IdColumnCells.Resolve(table.Source, table.Header, schema, null, notes);
        if (ids.Names.Count == 0) return new ReportRows(rows, "line", table.Lines.Select(line => line.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        return new ReportRows(rows, string.Join(", ", ids.Names), table.Rows.Select(row => string.Join(", ", ids.Of(row))).ToArray());
    }
}
