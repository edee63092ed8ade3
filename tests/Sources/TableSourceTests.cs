using Microsoft.Data.Sqlite;
using Parquet;
using Parquet.Schema;
using VaeOnnx.Sources;
using VaeOnnx.Tables;
using VaeOnnx.Tests.Cli;

namespace VaeOnnx.Tests.Sources;

/// <summary>
/// Table sources (issue 22): the same customers as CSV, Parquet and SQLite give the same cells and the same inferred
/// schema; Parquet row groups and database rows stream block by block, every row once and in order; a bad query and a
/// Parquet column no kind reads are each one line naming the source.
/// </summary>
[TestClass]
public sealed class TableSourceTests
{
    private const int Rows = 230, RowGroup = 64;
    private const string Query = "select * from customers order by customer_id";
    private static string _folder = "";
    private static CustomerCopies _copies = null!;

    [ClassInitialize]
    public static void Write(TestContext _)
    {
        _folder = RepoPaths.NewTempFolder("table-sources");
        _copies = CustomerCopies.Write(_folder, Rows, RowGroup);
    }

    private static TableSource[] All() =>
        [TableSource.Parse(_copies.Csv), TableSource.Parse(_copies.Parquet), TableSource.Parse("sqlite:" + _copies.Sqlite, Query)];

    [TestMethod]
    public void TheThreeCopiesGiveTheSameCellsAndTheSameSchema()
    {
        var options = new TableReadOptions { IdColumns = ["customer_id"], IgnoreColumns = ["signup_date"] };
        var schemas = All().Select(source =>
        {
            var table = source.Read();
            CollectionAssert.AreEqual(CustomerCopies.Header, table.Header.ToArray(), source.Text);
            for (int r = 0; r < Rows; r++) CollectionAssert.AreEqual(_copies.Cells(r), table.Rows[r], $"{source.Text}, row {r + 1}");
            return System.Text.Json.JsonSerializer.Serialize(ColumnTypeInference.Infer(table, Enumerable.Range(0, Rows).ToArray(), options));
        }).ToArray();
        Assert.AreEqual(schemas[0], schemas[1], "Parquet");
        Assert.AreEqual(schemas[0], schemas[2], "SQLite");
        StringAssert.Contains(schemas[0], "\"is_active\"");
    }

    [TestMethod]
    public void ParquetRowGroupsAndDatabaseRowsStreamEveryRowOnceInOrder()
    {
        foreach (var source in All().Skip(1))
            foreach (int blockRows in new[] { 1, 50, RowGroup, 100, Rows, Rows + 1 })
            {
                var blocks = source.ReadBlocks(blockRows).ToArray();
                Assert.AreEqual((Rows + blockRows - 1) / blockRows, blocks.Length, $"{source.Text}, blocks of {blockRows}");
                Assert.IsTrue(blocks.SkipLast(1).All(b => b.Rows.Count == blockRows), $"{source.Text}: every block but the last is full");
                CollectionAssert.AreEqual(Enumerable.Range(1, Rows).ToArray(), blocks.SelectMany(b => b.Lines).ToArray(), $"{source.Text}: row numbers");
                CollectionAssert.AreEqual(_copies.Ids, blocks.SelectMany(b => b.Rows.Select(r => r[0])).ToList(), $"{source.Text}, blocks of {blockRows}");
            }
        Assert.AreEqual((Rows + RowGroup - 1) / RowGroup, ParquetRowGroups(_copies.Parquet), "the file has several row groups");
    }

    [TestMethod]
    public void ABadQueryIsOneLineWithTheDatabaseAndItsMessage()
    {
        var source = TableSource.Parse("sqlite:" + _copies.Sqlite, "select * from customerz");
        var e = Assert.ThrowsExactly<DataFormatException>(() => source.Read());
        Assert.AreEqual($"sqlite:{_copies.Sqlite}: the query failed: SQLite Error 1: 'no such table: customerz'.", e.Message);

        var train = CliRun.Invoke("train", "--data", "sqlite:" + _copies.Sqlite, "--query", "select visits from customers where", "--epochs", "1",
            "--out", Path.Combine(_folder, "bad-query"));
        Assert.AreEqual(1, train.ExitCode, train.ToString());
        Assert.AreEqual($"error: sqlite:{_copies.Sqlite}: the query failed: SQLite Error 1: 'incomplete input'.", train.Error.Trim());
        Assert.IsFalse(Directory.Exists(Path.Combine(_folder, "bad-query")), "nothing is trained");
    }

    [TestMethod]
    public void ADatabaseNeedsAQueryAndAFileTakesNone()
    {
        var missing = Assert.ThrowsExactly<ArgumentException>(() => TableSource.Parse("sqlite:" + _copies.Sqlite));
        Assert.AreEqual($"sqlite:{_copies.Sqlite}: a database source needs --query, e.g. --query \"select * from customers\"", missing.Message);
        var file = Assert.ThrowsExactly<ArgumentException>(() => TableSource.Parse(_copies.Parquet, Query));
        Assert.AreEqual($"--query reads a database (sqlite:FILE.db or postgres:CONNECTION-STRING); {_copies.Parquet} is a file", file.Message);
        var absent = Assert.ThrowsExactly<FileNotFoundException>(() => TableSource.Parse("sqlite:" + Path.Combine(_folder, "nope.db"), Query).Read());
        Assert.AreEqual($"{Path.Combine(_folder, "nope.db")}: no such SQLite database file", absent.Message);
        Assert.IsFalse(File.Exists(Path.Combine(_folder, "nope.db")), "a mistyped database is not created");
    }

    [TestMethod]
    public void SourcesAreRecordedWithFullPathsAndWithoutAPassword()
    {
        Assert.AreEqual(TableSourceKind.Parquet, TableSource.Parse("data/customers.PARQUET").Kind);
        Assert.AreEqual(Path.GetFullPath("data/customers.parquet"), TableSource.Parse("data/customers.parquet").Text);
        Assert.AreEqual("sqlite:" + Path.GetFullPath("customers.db"), TableSource.Parse("sqlite:customers.db", Query).Text);
        var postgres = TableSource.Parse("Host=db.example;Database=shop;Username=analyst;Password=secret", Query);
        Assert.AreEqual(TableSourceKind.Postgres, postgres.Kind);
        Assert.AreEqual("postgres:Host=db.example;Database=shop;Username=analyst", postgres.Text);
        Assert.AreEqual("shop", postgres.Name);
        Assert.AreEqual(postgres.Text, TableSource.Parse(postgres.Text, Query).Text, "the recorded text parses back to the same source");
        Assert.AreEqual("customers", TableSource.Parse("sqlite:/data/customers.db", Query).Name);
    }

    [TestMethod]
    public void AParquetColumnNoKindReadsIsRefusedNamingTheFileTheColumnAndItsType()
    {
        var path = Path.Combine(_folder, "photos.parquet");
        WriteWithBinaryColumn(path).GetAwaiter().GetResult();
        var e = Assert.ThrowsExactly<DataFormatException>(() => TableSource.Parse(path).Read());
        Assert.AreEqual($"{path}: column 'photo' is of type binary (byte[]), which no column kind reads (numbers, text, booleans, dates and times are read); leave the column out of the table", e.Message);

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "photos.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "create table photos (name text, photo blob); insert into photos values ('a', x'00ff')";
            command.ExecuteNonQuery();
        }
        var blob = Assert.ThrowsExactly<DataFormatException>(() => TableSource.Parse($"sqlite:{Path.Combine(_folder, "photos.db")}", "select * from photos").Read());
        StringAssert.StartsWith(blob.Message, $"sqlite:{Path.Combine(_folder, "photos.db")}: column 'photo' is of type BLOB (bytes), which no column kind reads");
    }

    private static async Task WriteWithBinaryColumn(string path)
    {
        var (name, photo) = (new DataField<string>("name"), new DataField<byte[]>("photo"));
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(name, photo), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(name, ["a", "b"]);
        await group.WriteAsync(photo, [new byte[] { 1 }, new byte[] { 2, 3 }]);
    }

    private static int ParquetRowGroups(string path)
    {
        var reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try
        {
            return reader.RowGroupCount;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
