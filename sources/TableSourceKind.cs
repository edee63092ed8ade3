namespace VaeOnnx.Sources;

/// <summary>The kinds of place a table is read from.</summary>
public enum TableSourceKind
{
    /// <summary>An RFC 4180 CSV file.</summary>
    Csv,
    /// <summary>An Apache Parquet file, read row group by row group.</summary>
    Parquet,
    /// <summary>A SQLite database file with a query (<c>sqlite:FILE.db</c>).</summary>
    Sqlite,
    /// <summary>A PostgreSQL database with a query (<c>postgres:CONNECTION-STRING</c> or a <c>Host=...</c> connection string).</summary>
    Postgres,
}
