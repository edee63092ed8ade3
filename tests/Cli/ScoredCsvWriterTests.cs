using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Cli.Scoring;

namespace VaeOnnx.Tests.Cli;

/// <summary>The scored CSV: the same text whether a view is written in chunks through its cursor or read into a block first.</summary>
[TestClass]
public sealed class ScoredCsvWriterTests
{
    private const int Rows = 10_000; // more than two of WriteRows' chunks

    private sealed class ScoredRow
    {
        public float Score { get; set; }
        public bool Flag { get; set; }
        [VectorType(2)]
        public float[] Parts { get; set; } = [];
    }

    private static readonly ScoredCsvWriter Writer = new(
        [ScoredCsvColumn.Scalar("Score", "score"), ScoredCsvColumn.Scalar("Flag", "is_anomaly"), ScoredCsvColumn.Vector("Parts", "p", 2)], ["id"]);

    private static IDataView View() => new MLContext(1).Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i =>
        new ScoredRow { Score = i / 3f, Flag = i % 7 == 0, Parts = [i, -0.1f * i] }));

    private static string[][] Ids => Enumerable.Range(0, Rows).Select(i => new[] { i == 5 ? "a,b" : $"c{i}" }).ToArray();

    [TestMethod]
    public void ChunkedRowsAndABlockWriteTheSameRoundTripText()
    {
        var (chunked, block) = (new StringWriter(), new StringWriter());
        Assert.AreEqual((long)Rows, Writer.WriteRows(View(), chunked, Ids));
        var scored = Writer.ReadBlock(View());
        Assert.AreEqual(Rows, scored.Rows);
        Assert.AreEqual(4, scored.Width);
        Assert.AreEqual((long)Rows, Writer.WriteBlock(scored, block, Ids));
        Assert.AreEqual(chunked.ToString(), block.ToString());

        var lines = chunked.ToString().Split('\n');
        Assert.AreEqual("\"a,b\",1.6666666,false,5,-0.5", lines[5]);
        Assert.AreEqual("c7,2.3333333,true,7,-0.7", lines[7]);
        var last = lines[Rows - 1].Split(',');
        Assert.AreEqual((Rows - 1) / 3f, float.Parse(last[1], CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void AWriterWithIdColumnsRefusesRowsWithoutTheirCells()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => Writer.WriteBlock(Writer.ReadBlock(View()), new StringWriter()));
        StringAssert.StartsWith(error.Message, "the writer has leading columns (id); pass their cells");
    }
}
