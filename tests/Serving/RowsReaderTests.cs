using System.Globalization;
using System.Text;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Tests.Serving;

/// <summary>The fast path for array rows reads exactly what a general JSON reader reads, and gives way on anything else.</summary>
[TestClass]
public sealed class RowsReaderTests
{
    private static float? Fast(string number) => ArrayRowsParser.TryRead(Encoding.UTF8.GetBytes($"{{\"rows\": [[{number}]]}}"), 1, 10)?.Values[0];

    [TestMethod]
    public void EveryFloatWrittenAnyWayParsesToTheSameBitsAsTheRuntimeParser()
    {
        var random = new Random(11);
        int checkedNumbers = 0;
        for (int k = 0; k < 30000; k++)
        {
            float f = k switch
            {
                < 10000 => BitConverter.Int32BitsToSingle(random.Next()) * (random.Next(2) == 0 ? 1 : -1),
                < 20000 => random.Next(256) / 255f,
                _ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 13))),
            };
            if (!float.IsFinite(f)) continue;
            foreach (var text in new[] { f.ToString("R", CultureInfo.InvariantCulture), f.ToString("E12", CultureInfo.InvariantCulture), ((double)f).ToString("R", CultureInfo.InvariantCulture), f.ToString("F6", CultureInfo.InvariantCulture) })
            {
                float expected = float.Parse(text, CultureInfo.InvariantCulture);
                Assert.AreEqual(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(Fast(text) ?? float.NaN), text);
                checkedNumbers++;
            }
        }
        Assert.IsTrue(checkedNumbers > 100000);
        foreach (var text in new[] { "0", "-0", "0.0", "-0.0", "1e0", "1E+2", "12345678901234567890123", "0.000000000000000000000000000000000000001", "3.4028235e38", "1.17549435e-38", "1.4e-45", "0.30000001192092896", "16777217", "9007199254740993" })
            Assert.AreEqual(BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)), BitConverter.SingleToInt32Bits(Fast(text) ?? float.NaN), text);
    }

    [TestMethod]
    [DataRow("01")]
    [DataRow("1.")]
    [DataRow(".5")]
    [DataRow("+1")]
    [DataRow("1e")]
    [DataRow("-")]
    [DataRow("1e39")]
    [DataRow("NaN")]
    [DataRow("null")]
    [DataRow("\"1\"")]
    [DataRow("1,2")]
    public void AnythingButAValidNumberOfTheRightCountGoesToTheGeneralReader(string value) => Assert.IsNull(Fast(value), value);

    [TestMethod]
    public void BodiesOfOtherShapesGoToTheGeneralReaderAndReadTheSame()
    {
        Assert.IsNull(ArrayRowsParser.TryRead("{\"rows\": [{\"a\": 1}]}"u8, 1, 10), "object rows");
        Assert.IsNull(ArrayRowsParser.TryRead("{\"rows\": [[1]], \"x\": 1}"u8, 1, 10), "another property");
        Assert.IsNull(ArrayRowsParser.TryRead("{\"r\\u006fws\": [[1]]}"u8, 1, 10), "an escaped name");
        Assert.IsNull(ArrayRowsParser.TryRead("{\"rows\": [[1],[2],[3]]}"u8, 1, 2), "more rows than allowed");
        Assert.IsNull(ArrayRowsParser.TryRead("{\"rows\": [[1]]} x"u8, 1, 10), "trailing content");
        var spaced = " {\r\n \"rows\" :\t[ [ 1.5 , -2e-3 ] ,[0,4]\n] } "u8;
        var fast = ArrayRowsParser.TryRead(spaced, 2, 10)!;
        CollectionAssert.AreEqual(new[] { 1.5f, -2e-3f, 0f, 4f }, fast.Values[..4]);
        Assert.AreEqual(2, fast.Rows);
        Assert.AreEqual(0, ArrayRowsParser.TryRead("{\"rows\": [ ]}"u8, 3, 10)!.Rows);
    }
}
