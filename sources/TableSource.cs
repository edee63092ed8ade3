using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using VaeOnnx.Contract;
using VaeOnnx.Tables;

namespace VaeOnnx.Sources;

/// <summary>
/// Where a table is read from, parsed from the text a user gives as <c>--data</c> (or <c>--input</c>) and <c>--query</c>:
/// <list type="bullet">
/// <item><c>customers.csv</c> (any path not named below): a CSV file, read by <see cref="RawTableReader"/>;</item>
/// <item><c>customers.parquet</c>: a Parquet file, read row group by row group;</item>
/// <item><c>sqlite:customers.db</c> with a query: a SQLite database file, opened read-only;</item>
/// <item><c>postgres:Host=...;Database=...</c> (or a connection string that starts with <c>Host=</c>) with a query: a PostgreSQL database.</item>
/// </list>
/// Every source yields the same <see cref="RawTable"/> blocks of text cells (<see cref="CellText"/> says how typed values
/// are written), so a Parquet or database copy of a CSV file gives the same cells, the same inferred schema and, for the
/// same seed, the same model. A CSV block's line numbers are the file's lines; a Parquet file's or a query's are its row
/// numbers from 1.
/// </summary>
public sealed record TableSource
{
    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";

    private TableSource(TableSourceKind kind, string location, string? query) => (Kind, Location, Query) = (kind, location, query);

    /// <summary>What the source is.</summary>
    public TableSourceKind Kind { get; }

    /// <summary>The file's path as given (errors name it so), or the PostgreSQL connection string.</summary>
    public string Location { get; }

    /// <summary>The query of a database source; null for a file.</summary>
    public string? Query { get; }

    /// <summary>
    /// Parses <paramref name="data"/> (and <paramref name="query"/>, which a database needs and a file must not have).
    /// </summary>
    public static TableSource Parse(string data, string? query = null)
    {
        var kind = KindOf(data);
        bool database = kind is TableSourceKind.Sqlite or TableSourceKind.Postgres;
        if (database && string.IsNullOrWhiteSpace(query))
            throw new ArgumentException($"{data}: a database source needs --query, e.g. --query \"select * from customers\"");
        if (!database && query is not null)
            throw new ArgumentException($"--query reads a database (sqlite:FILE.db or postgres:CONNECTION-STRING); {data} is a file");
        var location = kind switch
        {
            TableSourceKind.Sqlite => data[SqlitePrefix.Length..],
            TableSourceKind.Postgres => data.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase) ? data[PostgresPrefix.Length..] : data,
            _ => data,
        };
        return new TableSource(kind, location, database ? query : null);
    }

    /// <summary>Whether <paramref name="data"/> names a Parquet file or a database, which only table models read (a CSV path or an IDX folder does not).</summary>
    public static bool IsParquetOrDatabase(string data) => KindOf(data) != TableSourceKind.Csv;

    private static TableSourceKind KindOf(string data) =>
        data.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase) ? TableSourceKind.Sqlite
        : data.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase) || data.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) ? TableSourceKind.Postgres
        : data.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? TableSourceKind.Parquet
        : TableSourceKind.Csv;

    /// <summary>
    /// The source as <see cref="Parse"/> reads it back from any folder, as checkpoints record it: the full path of a file,
    /// <c>sqlite:</c> and the database's full path, or <c>postgres:</c> and the connection string without its password (a
    /// checkpoint must not keep one; Npgsql then takes it from PGPASSWORD or the pgpass file when the source is read again).
    /// </summary>
    public string Text => Kind switch
    {
        TableSourceKind.Sqlite => SqlitePrefix + Path.GetFullPath(Location),
        TableSourceKind.Postgres => PostgresPrefix + WithoutPassword(Location),
        _ => Path.GetFullPath(Location),
    };

    /// <summary>A short name for the table: the file name without its extension, or the PostgreSQL database's name.</summary>
    public string Name => Kind == TableSourceKind.Postgres
        ? new NpgsqlConnectionStringBuilder(Location).Database ?? "postgres"
        : Path.GetFileNameWithoutExtension(Location);

    /// <summary>Reads the whole table.</summary>
    public RawTable Read()
    {
        using var blocks = ReadBlocks(int.MaxValue).GetEnumerator();
        blocks.MoveNext();
        return blocks.Current;
    }

    /// <summary>
    /// Reads the table as consecutive blocks of at most <paramref name="blockRows"/> rows, every row once and in order, so that
    /// a table larger than memory is read a block at a time. The source is opened when the first block is asked for; one
    /// without rows is refused then, so an enumeration yields at least one block.
    /// </summary>
    public IEnumerable<RawTable> ReadBlocks(int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        return Kind switch
        {
            TableSourceKind.Parquet => ParquetTableReader.ReadBlocks(Location, blockRows),
            TableSourceKind.Sqlite => DatabaseTableReader.ReadBlocks(SqliteConnection(), SqlitePrefix + Location, Query!, blockRows),
            TableSourceKind.Postgres => DatabaseTableReader.ReadBlocks(new NpgsqlConnection(Location), Text, Query!, blockRows),
            _ => RawTableReader.ReadBlocks(Location, blockRows),
        };
    }

    /// <summary>
    /// The table's rows one at a time, for reading straight into a model's inputs (<see cref="TableBlockReader"/>): a CSV
    /// file is read in place, a number parsed from its cell without a string per cell; other sources through their blocks.
    /// </summary>
    public ITableRows OpenRows() => Kind == TableSourceKind.Csv ? CsvTableRows.Open(Location) : new RawTableRows(ReadBlocks(RowsPerSourceBlock));

    /// <summary>Rows a Parquet or database source reads at a time behind <see cref="OpenRows"/>.</summary>
    private const int RowsPerSourceBlock = 65_536;

    private DbConnection SqliteConnection()
    {
        // Read-only, so that a mistyped path is an error rather than a new empty database.
        if (!File.Exists(Location)) throw new FileNotFoundException($"{Location}: no such SQLite database file", Location);
        return new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Location, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    }

    private static string WithoutPassword(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection) { Password = null };
        return builder.ConnectionString;
    }
}
