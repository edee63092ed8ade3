using VaeOnnx.Training.Data;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Tables;

[TestClass]
public sealed class TableReadingTests
{
    private static TableSchema Infer(string path, TableReadOptions? options = null)
    {
        var table = RawTableReader.Read(path);
        return ColumnTypeInference.Infer(table, Enumerable.Range(0, table.Rows.Count).ToArray(), options ?? new TableReadOptions());
    }

    [TestMethod]
    public void KindsCategoriesSpellingsAndMissingRatesAreInferredFromAQuotedCrlfFileWithABom()
    {
        var folder = RepoPaths.NewTempFolder("table-read");
        var path = TableFiles.Write(folder, "t.csv",
            "\uFEFFname,city,flag,count,amount,code\r\n" +
            "\"Smith, J.\",Berlin,Yes,3,1.25,7\r\n" +
            "\"He said \"\"hi\"\"\",\"Paris\",No,4,NA,7\r\n" +
            "\"multi\r\nline\",Rome,,5,2.5,8\r\n" +
            "x,Berlin,yes,6,3.125,9\r\n");
        var schema = Infer(path, new TableReadOptions { IgnoreColumns = ["name"], ColumnTypes = new Dictionary<string, ColumnKind> { ["code"] = ColumnKind.Categorical } });
        var kinds = schema.Columns.ToDictionary(c => c.Name, c => c.Kind);
        CollectionAssert.AreEqual(new[] { "city", "flag", "count", "amount", "code" }, schema.Columns.Select(c => c.Name).ToArray());
        Assert.AreEqual(ColumnKind.Categorical, kinds["city"]);
        Assert.AreEqual(ColumnKind.Boolean, kinds["flag"]);
        Assert.AreEqual(ColumnKind.Integer, kinds["count"]);
        Assert.AreEqual(ColumnKind.Numeric, kinds["amount"]);
        Assert.AreEqual(ColumnKind.Categorical, kinds["code"], "integers declared as codes");
        var flag = schema.Column("flag")!;
        Assert.AreEqual("Yes", flag.TrueText);
        Assert.AreEqual("No", flag.FalseText);
        Assert.AreEqual(0.25, flag.MissingRate, 1e-12);
        Assert.IsTrue(flag.HasMissing);
        Assert.AreEqual(0.25, schema.Column("amount")!.MissingRate, 1e-12, "NA reads as missing");
        Assert.AreEqual(3, schema.Column("amount")!.Decimals);
        CollectionAssert.AreEqual(new[] { "Berlin", "Paris", "Rome" }, schema.Column("city")!.Categories!.ToArray());
        CollectionAssert.AreEqual(new[] { "7", "8", "9" }, schema.Column("code")!.Categories!.ToArray());
        var count = schema.Column("count")!;
        Assert.AreEqual(4.5, count.Offset, 1e-6);
        Assert.AreEqual(1 / Math.Sqrt(1.25), count.Scale, 1e-6);
        // 3 categories + 1 flag + its indicator + 1 count + 1 amount + its indicator + 3 codes
        Assert.AreEqual(11, schema.FeatureCount);
    }

    [TestMethod]
    [DataRow("a, b ,,c", new[] { "a", " b ", "", "c" })]
    [DataRow("\"a\", b ,,c", new[] { "a", " b ", "", "c" })]
    [DataRow(",", new[] { "", "" })]
    [DataRow("x,\"1,5\",\"say \"\"hi\"\"\"", new[] { "x", "1,5", "say \"hi\"" })]
    public void RecordsWithAndWithoutQuotesSplitAlike(string record, string[] expected)
    {
        // A record without quotes takes the reader's fast path; with them, the quote-aware one: the cells must not differ.
        var reader = new CsvSpanReader(new StringReader(record + "\n"), "t.csv");
        Assert.IsTrue(reader.ReadRecord());
        CollectionAssert.AreEqual(expected, Enumerable.Range(0, reader.Count).Select(i => reader.Cell(i).ToString()).ToArray());
        Assert.AreEqual(1, reader.Line);
        Assert.IsFalse(reader.ReadRecord());
    }

    [TestMethod]
    [DataRow("a,b\n1,2\n3\n", "line 3: 1 fields; expected 2 as in the header")]
    [DataRow("a,a\n1,2\n", "line 1: column 'a' appears twice; expected unique names")]
    [DataRow("a,b\n1,2\n", "1 data row; a table model needs at least 10 rows")]
    public void MalformedTablesAreRefusedWithTheLine(string csv, string expected)
    {
        var path = TableFiles.Write(RepoPaths.NewTempFolder("table-bad"), "bad.csv", csv);
        var e = Assert.ThrowsExactly<DataFormatException>(() => TableDataLoader.ReadTable(path));
        StringAssert.Contains(e.Message, expected);
        StringAssert.StartsWith(e.Message, path);
    }

    [TestMethod]
    public void AnAllMissingColumnAndAnIdColumnAreRefusedNamingThem()
    {
        var folder = RepoPaths.NewTempFolder("table-refuse");
        var rows = string.Concat(Enumerable.Range(0, 60).Select(i => $"ID{i},,{i % 3}\n"));
        var path = TableFiles.Write(folder, "t.csv", "id,empty,x\n" + rows);
        var blank = Assert.ThrowsExactly<DataFormatException>(() => Infer(path, new TableReadOptions { IgnoreColumns = ["id"] }));
        StringAssert.Contains(blank.Message, "column 'empty' is blank in every row");
        var id = Assert.ThrowsExactly<DataFormatException>(() => Infer(path, new TableReadOptions { IgnoreColumns = ["empty"] }));
        StringAssert.Contains(id.Message, "column 'id' has 60 distinct values in 60 rows");
        StringAssert.Contains(id.Message, "--ignore-columns id");
        var unknown = Assert.ThrowsExactly<DataFormatException>(() => Infer(path, new TableReadOptions { IgnoreColumns = ["nope"] }));
        StringAssert.Contains(unknown.Message, "--ignore-columns: no column 'nope'");
    }

    [TestMethod]
    public void IdLikeIntegerColumnsAreRefusedWithAHintAndAmountsAreNot()
    {
        // BreastCancer's Id: mostly distinct sample codes; a row number; amounts in cents that happen to be all distinct.
        var random = new Random(9);
        var rows = Enumerable.Range(0, 80).Select(i => $"{(i % 20 == 0 ? 1000025 : 61634 + random.Next(13_000_000))},{i + 1},{random.Next(100_000)},{i % 3}");
        var path = TableFiles.Write(RepoPaths.NewTempFolder("table-ids"), "t.csv", "Id,row,amount_cents,x\n" + string.Join("\n", rows) + "\n");
        var id = Assert.ThrowsExactly<DataFormatException>(() => Infer(path, new TableReadOptions { IgnoreColumns = ["row"] }));
        StringAssert.Contains(id.Message, "column 'Id' holds");
        StringAssert.Contains(id.Message, "it looks like an id or a row number, not a quantity; leave it out with --ignore-columns Id");
        var row = Assert.ThrowsExactly<DataFormatException>(() => Infer(path, new TableReadOptions { IgnoreColumns = ["Id"] }));
        StringAssert.Contains(row.Message, "column 'row' holds 80 distinct whole numbers in 80 rows");
        var kept = Infer(path, new TableReadOptions { IgnoreColumns = ["Id", "row"] });
        Assert.AreEqual(ColumnKind.Integer, kept.Column("amount_cents")!.Kind, "distinct amounts without an id word are a quantity");
        var declared = Infer(path, new TableReadOptions { ColumnTypes = new Dictionary<string, ColumnKind> { ["Id"] = ColumnKind.Integer, ["row"] = ColumnKind.Integer } });
        Assert.AreEqual(ColumnKind.Integer, declared.Column("Id")!.Kind, "a declared kind overrides the id check");
    }

    [TestMethod]
    [DataRow(3000, 3000, "customer")]  // every code distinct: an id
    [DataRow(3000, 2400, "customer")]  // codes repeat, but far more than a category's 1,000 values: free text or an id
    public void AnIdLikeTextColumnWithThousandsOfValuesIsRefusedWithTheIgnoreColumnsHint(int rows, int distinct, string column)
    {
        var lines = Enumerable.Range(0, rows).Select(i => $"C-{i % distinct:D5},{(i % 2 == 0 ? "yes" : "no")},{i % 7}");
        var path = TableFiles.Write(RepoPaths.NewTempFolder("table-id-text"), "t.csv", $"{column},vip,visits\n" + string.Join("\n", lines) + "\n");
        var e = Assert.ThrowsExactly<DataFormatException>(() => Infer(path));
        StringAssert.StartsWith(e.Message, path);
        StringAssert.Contains(e.Message, $"column '{column}' has {distinct.ToString("N0", System.Globalization.CultureInfo.CurrentCulture)} distinct values in {rows.ToString("N0", System.Globalization.CultureInfo.CurrentCulture)} rows");
        StringAssert.Contains(e.Message, $"leave it out with --ignore-columns {column}");
        var kept = Infer(path, new TableReadOptions { IgnoreColumns = [column] });
        CollectionAssert.AreEqual(new[] { "vip", "visits" }, kept.Columns.Select(c => c.Name).ToArray(), "the hint works");
    }

    [TestMethod]
    public void TextInANumericColumnAtScoringTimeNamesTheLineColumnValueAndKind()
    {
        var folder = RepoPaths.NewTempFolder("table-text");
        var train = TableFiles.Customers(folder, 40);
        var table = RawTableReader.Read(train);
        var schema = ColumnTypeInference.Infer(table, Enumerable.Range(0, 40).ToArray(), new TableReadOptions { IgnoreColumns = ["id"] });
        var scoring = TableFiles.Write(folder, "score.csv", "city,vip,age,amount,visits\nBerlin,no,31,90,1\nRome,yes,thirty,90,1\n");
        var e = Assert.ThrowsExactly<DataFormatException>(() => new TableFeaturizer(schema).GraphInputs(RawTableReader.Read(scoring)));
        StringAssert.Contains(e.Message, "line 3, column 'age': 'thirty' is not a number; expected numeric values");
    }
}
