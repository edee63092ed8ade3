using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Data;

[TestClass]
public sealed class CsvTableReaderTests
{
    private static string Write(string text)
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("csv"), "table.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [TestMethod]
    public void ReadsFeaturesLabelsAndQuotedCells()
    {
        var path = Write("a,\"b, with comma\",class,c\n1.5,2,cat,-3e2\n\"4\",5,dog,6\n\n7,8,cat,9\n");
        var table = CsvTableReader.Read(path, new CsvReadOptions { LabelColumn = "class" });
        Assert.AreEqual(3, table.Data.Rows);
        CollectionAssert.AreEqual(new[] { "a", "b, with comma", "c" }, table.Data.FeatureNames!.ToArray());
        CollectionAssert.AreEqual(new[] { 1.5f, 2f, -300f, 4f, 5f, 6f, 7f, 8f, 9f }, table.Data.Features);
        CollectionAssert.AreEqual(new[] { 0, 1, 0 }, table.Data.Labels);
        CollectionAssert.AreEqual(new[] { "cat", "dog" }, table.ClassNames!.ToArray());
    }

    [TestMethod]
    public void SelectsAndOrdersFeatureColumnsByName()
    {
        var path = Write("x,y,z\n1,2,3\n4,5,6\n");
        var table = CsvTableReader.Read(path, new CsvReadOptions { FeatureColumns = ["z", "x"] });
        CollectionAssert.AreEqual(new[] { 3f, 1f, 6f, 4f }, table.Data.Features);
        Assert.IsNull(table.ClassNames);
    }

    [TestMethod]
    [DataRow("x,y\n1,2\n3,abc\n", "line 3, column 'y': 'abc' is not a number")]
    [DataRow("x,y\n1,2\n3,\n", "line 3, column 'y': missing value")]
    [DataRow("x,y\n1,NaN\n", "line 2, column 'y': 'NaN' is not finite")]
    [DataRow("x,y\n1,2,3\n", "line 2: 3 cells; expected 2")]
    [DataRow("x,y\n", "no data rows")]
    [DataRow("", "empty file")]
    [DataRow("x,x\n1,2\n", "column 'x' appears twice")]
    [DataRow("x,y\n\"1,2\n", "quoted cell is never closed")]
    public void BadTablesNameTheFileRowAndColumn(string text, string expected)
    {
        var path = Write(text);
        var e = Assert.Throws<DataFormatException>(() => CsvTableReader.Read(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void UnknownColumnsListTheAvailableOnes()
    {
        var path = Write("x,y\n1,2\n");
        var e = Assert.Throws<DataFormatException>(() => CsvTableReader.Read(path, new CsvReadOptions { LabelColumn = "label" }));
        StringAssert.Contains(e.Message, "no label column 'label'; the columns are x, y");
        e = Assert.Throws<DataFormatException>(() => CsvTableReader.Read(path, new CsvReadOptions { FeatureColumns = ["w"] }));
        StringAssert.Contains(e.Message, "no feature column 'w'");
    }
}
