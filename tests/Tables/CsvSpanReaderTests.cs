using System.Text;
using VaeOnnx.Contract.IO;
using VaeOnnx.Tables;

namespace VaeOnnx.Tests.Tables;

[TestClass]
public sealed class CsvSpanReaderTests
{
    /// <summary>Hands out its text a few characters per read, so that records, quotes and CRLFs fall across the reader's refills.</summary>
    private sealed class TricklingReader(string text, int seed) : TextReader
    {
        private readonly Random _random = new(seed);
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(Math.Min(count, _random.Next(1, 8)), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void RandomRecordsReadBackCellForCellWithTheirLinesWhateverTheLineEndsAndRefills(int seed)
    {
        var random = new Random(seed);
        const string alphabet = "ab é1.,\"\n\r ";
        string[] lineEnds = ["\n", "\r\n", "\r"];
        var records = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, random.Next(1, 6))
            .Select(_ => new string(Enumerable.Range(0, random.Next(0, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())).ToArray()).ToList();
        var written = records.Select(cells => string.Join(',', cells.Select(CsvText.Cell))).ToList();
        var (text, lines) = (new StringBuilder(), new List<int>());
        int line = 1;
        for (int r = 0; r < records.Count; r++)
        {
            // A CR before a blank line that ends in LF would read as one CRLF, in any reader.
            var ends = r + 1 < records.Count && written[r + 1].Length == 0 ? lineEnds[..2] : lineEnds;
            text.Append(written[r]).Append(ends[random.Next(ends.Length)]);
            lines.Add(line);
            line += records[r].Sum(c => c.Replace("\r\n", "\n").Count(ch => ch is '\n' or '\r')) + 1;
            records[r] = records[r].Select(c => c.Replace("\r\n", "\n").Replace('\r', '\n')).ToArray();
        }
        var reader = new CsvSpanReader(new TricklingReader(text.ToString(), seed), "t.csv");
        for (int r = 0; r < records.Count; r++)
        {
            Assert.IsTrue(reader.ReadRecord(), $"record {r}");
            CollectionAssert.AreEqual(records[r], Enumerable.Range(0, reader.Count).Select(i => reader.Cell(i).ToString()).ToArray(), $"record {r}");
            Assert.AreEqual(lines[r], reader.Line, $"record {r}");
        }
        Assert.IsFalse(reader.ReadRecord());
    }

    [TestMethod]
    public void ARecordLongerThanTheBufferAndALastLineWithoutALineEndAreRead()
    {
        var longCell = new string('x', 200_000);
        var reader = new CsvSpanReader(new StringReader($"a,b\n{longCell},\"{longCell}\"\n1,2"), "t.csv");
        CollectionAssert.AreEqual(new[] { "a", "b" }, reader.ReadHeader().ToArray());
        Assert.IsTrue(reader.ReadRecord());
        Assert.AreEqual(2, reader.Count);
        Assert.AreEqual(longCell, reader.Cell(0).ToString());
        Assert.AreEqual(longCell, reader.Cell(1).ToString());
        Assert.IsTrue(reader.ReadRecord());
        Assert.AreEqual("1|2", $"{reader.Cell(0)}|{reader.Cell(1)}");
        Assert.AreEqual(3, reader.Line);
        Assert.IsFalse(reader.ReadRecord());
    }

    [TestMethod]
    public void AQuotedCellNeverClosedIsRefusedWithTheLineItStartsOn()
    {
        var reader = new CsvSpanReader(new StringReader("a,b\n1,2\n3,\"four\nfive\n"), "t.csv");
        reader.ReadHeader();
        Assert.IsTrue(reader.ReadRecord());
        var e = Assert.ThrowsExactly<DataFormatException>(() => reader.ReadRecord());
        Assert.AreEqual("t.csv: line 3: a quoted cell is never closed; expected a closing \"", e.Message);
    }
}
