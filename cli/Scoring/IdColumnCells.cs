using VaeOnnx.Tables;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// The id columns a table file is read with, and their cells: the columns asked for (<c>vae score --id-column</c>), else
/// those the model recorded (<see cref="TableSchema.IdColumns"/>). A recorded id the file lacks is only noted, because
/// scores stay right without it (rows are then identified by their line); an id asked for and missing is refused.
/// </summary>
public sealed class IdColumnCells
{
    private readonly int[] _indices;

    private IdColumnCells(IReadOnlyList<string> names, int[] indices) => (Names, _indices) = (names, indices);

    /// <summary>The id columns found, in the order recorded or asked.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Finds the id columns in <paramref name="table"/>'s header (any block of the file): <paramref name="asked"/> when it
    /// names any, else <paramref name="schema"/>'s; a recorded one that is missing gets one <c>note:</c> line on <paramref name="notes"/>.
    /// </summary>
    /// <exception cref="DataFormatException">A column in <paramref name="asked"/> is not in the file.</exception>
    public static IdColumnCells Resolve(RawTable table, TableSchema schema, IReadOnlyList<string>? asked, TextWriter notes)
    {
        if (asked is { Count: > 0 })
        {
            var absent = asked.FirstOrDefault(name => table.IndexOf(name) < 0);
            if (absent is not null)
                throw new DataFormatException(table.Source, $"--id-column: no column '{absent}'; the columns are {string.Join(", ", table.Header)}");
            return new IdColumnCells(asked, asked.Select(table.IndexOf).ToArray());
        }
        var found = schema.IdColumns.Where(name => table.IndexOf(name) >= 0).ToArray();
        var missing = schema.IdColumns.Except(found, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
            notes.WriteLine($"note: {table.Source} has no id column {string.Join(", ", missing.Select(m => $"'{m}'"))} (recorded by the model); its rows are identified by their line");
        return new IdColumnCells(found, found.Select(table.IndexOf).ToArray());
    }

    /// <summary>The id cells of every row of <paramref name="block"/>, as read (trimmed), one array per row.</summary>
    public IReadOnlyList<string[]> Of(RawTable block) => block.Rows.Select(Of).ToArray();

    /// <summary>The id cells of one row.</summary>
    public string[] Of(string[] row) => _indices.Select(i => row[i]).ToArray();
}
