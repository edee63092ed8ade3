using System.Data.Common;
using VaeOnnx.Contract;

namespace VaeOnnx.Sources;

/// <summary>
/// Reads the rows of a query through ADO.NET (<see cref="DbConnection"/> and <see cref="DbDataReader"/>), the one code
/// path of SQLite and PostgreSQL: the reader is stepped row by row, so a block at a time is held, never the result. Row
/// numbers count the result's rows from 1. Values are written as <see cref="CellText"/> says; a column declared
/// BOOLEAN (SQLite keeps 0 and 1) reads as true and false, and a PostgreSQL date as the date alone. A query the database refuses, or a failure while stepping, is one
/// <see cref="DataFormatException"/> naming the source and the database's own message.
/// </summary>
internal static class DatabaseTableReader
{
    /// <summary>Consecutive blocks of at most <paramref name="blockRows"/> rows of <paramref name="query"/>'s result.</summary>
    public static IEnumerable<RawTable> ReadBlocks(DbConnection connection, string source, string query, int blockRows)
    {
        using (connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = query;
            using var reader = Execute(connection, command, source);
            var header = Header(reader, source);
            var (rows, lines) = (new List<string[]>(), new List<int>());
            int row = 0;
            while (Step(reader, source))
            {
                rows.Add(Cells(reader, header, source));
                lines.Add(++row);
                if (rows.Count == blockRows)
                {
                    yield return new RawTable(source, header, rows, lines);
                    (rows, lines) = (new List<string[]>(), new List<int>());
                }
            }
            if (rows.Count > 0) yield return new RawTable(source, header, rows, lines);
            else if (row == 0) throw new DataFormatException(source, $"the query gave no rows ({query}); expected at least one row");
        }
    }

    private static DbDataReader Execute(DbConnection connection, DbCommand command, string source)
    {
        try
        {
            connection.Open();
            return command.ExecuteReader();
        }
        catch (DbException e)
        {
            throw Failed(source, e);
        }
    }

    private static bool Step(DbDataReader reader, string source)
    {
        try
        {
            return reader.Read();
        }
        catch (DbException e)
        {
            throw Failed(source, e);
        }
    }

    private static DataFormatException Failed(string source, DbException e) =>
        new(source, $"the query failed: {e.Message.Replace(Environment.NewLine, " ")}", e);

    private static string[] Header(DbDataReader reader, string source)
    {
        var header = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        if (header.Length == 0) throw new DataFormatException(source, "the query gives no columns; expected a select of the table's columns");
        var twice = header.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is not null) throw new DataFormatException(source, $"the query gives two columns named '{twice}'; name them apart with AS");
        if (header.FirstOrDefault(string.IsNullOrWhiteSpace) is not null) throw new DataFormatException(source, "the query gives a column without a name; name it with AS");
        return header;
    }

    private static string[] Cells(DbDataReader reader, string[] header, string source)
    {
        var cells = new string[header.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            var value = reader.GetValue(i);
            var declared = reader.GetDataTypeName(i);
            value = value switch
            {
                // A database date (PostgreSQL's date) arrives as a DateTime at midnight; it is written as the date it is.
                DateTime d when declared.Equals("date", StringComparison.OrdinalIgnoreCase) => DateOnly.FromDateTime(d),
                // SQLite has no boolean storage: a column declared BOOLEAN holds 0 and 1, read as the flag it declares.
                long flag when declared.Equals("boolean", StringComparison.OrdinalIgnoreCase) || declared.Equals("bool", StringComparison.OrdinalIgnoreCase) => flag != 0,
                byte[] => throw CellText.Refuse(source, header[i], $"{declared} (bytes)"),
                _ => value,
            };
            cells[i] = CellText.Of(value, source, header[i]);
        }
        return cells;
    }
}
