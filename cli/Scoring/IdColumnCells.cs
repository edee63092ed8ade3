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
    /// Finds the id columns in the <paramref name="header"/> of <paramref name="source"/>: <paramref name="asked"/> when it
    /// names any, else <paramref name="schema"/>'s; a recorded one that is missing gets one <c>note:</c> line on <paramref name="notes"/>.
    /// </summary>
    /// <exception cref="DataFormatException">A column in <paramref name="asked"/> is not in the file.</exception>
    public static IdColumnCells Resolve(string source, IReadOnlyList<string> header, TableSchema schema, IReadOnlyList<string>? asked, TextWriter notes)
    {
        if (asked is { Count: > 0 })
        {
            var absent = asked.FirstOrDefault(name => header.IndexOf(name) < 0);
            if (absent is not null)
                throw new DataFormatException(source, $"--id-column: no column '{absent}'; the columns are {string.Join(", ", header)}");
            return new IdColumnCells(asked, asked.Select(header.IndexOf).ToArray());
        }
        var found = schema.IdColumns.Where(name => header.IndexOf(name) >= 0).ToArray();
        var missing = schema.IdColumns.Except(found, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
            notes.WriteLine($"note: {source} has no id column {string.Join(", ", missing.Select(m => $"'{m}'"))} (recorded by the model); its rows are identified by their line");
        return new IdColumnCells(found, found.Select(header.IndexOf).ToArray());
    }

    /// <summary>Where the id columns are in the header, in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <summary>The id cells of one row.</summary>
    public string[] Of(string[] row) => _indices.Select(i => row[i]).ToArray();
}
