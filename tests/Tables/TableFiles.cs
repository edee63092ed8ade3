using System.Globalization;
using System.Text;

namespace VaeOnnx.Tests.Tables;

/// <summary>
/// Small business tables with known structure, written by the tests: a city decides a VIP flag (mostly), the flag shifts
/// age, age drives the amount (blank in about 10% of rows), visits are whole numbers, and an id column is unique per row.
/// </summary>
internal static class TableFiles
{
    public static readonly string[] Cities = ["Berlin", "Paris", "Rome"];

    public static string Customers(string folder, int rows = 600, int seed = 1, string name = "customers.csv")
    {
        var random = new Random(seed);
        var text = new StringBuilder("id,city,vip,age,amount,visits\r\n");
        for (int i = 0; i < rows; i++)
        {
            var city = Cities[random.Next(3)];
            bool vip = city == "Paris" ? random.NextDouble() < 0.85 : random.NextDouble() < 0.1;
            double age = Math.Round((vip ? 45 : 30) + 4 * Normal(random), 1);
            string amount = random.NextDouble() < 0.1 ? "" : (age * 3 + 3 * Normal(random)).ToString("0.00", CultureInfo.InvariantCulture);
            int visits = random.Next(3) + (vip ? 4 : 0);
            text.Append(CultureInfo.InvariantCulture, $"C{i:D5},{city},{(vip ? "yes" : "no")},{age.ToString(CultureInfo.InvariantCulture)},{amount},{visits}\r\n");
        }
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return path;
    }

    public static readonly string[] Segments = ["bronze", "gold", "silver"];

    /// <summary>The spend mean of each of <see cref="Segments"/>: far apart, so that a condition that is ignored shows.</summary>
    public static readonly double[] SegmentSpend = [30, 200, 100];

    /// <summary>
    /// Customers by segment (bronze 50%, gold 20%, silver 30%): the segment sets the spend mean (standard deviation 10),
    /// makes gold customers buy in store (80% against 20%) and visit more; the spend is blank in about 5% of rows.
    /// </summary>
    public static string SegmentedCustomers(string folder, int rows = 800, int seed = 1, string name = "segments.csv")
    {
        var random = new Random(seed);
        var text = new StringBuilder("id,segment,channel,active,spend,visits\n");
        for (int i = 0; i < rows; i++)
        {
            double u = random.NextDouble();
            int segment = u < 0.5 ? 0 : u < 0.7 ? 1 : 2;
            bool gold = segment == 1;
            double spend = Math.Round(SegmentSpend[segment] + 10 * Normal(random), 2);
            string channel = random.NextDouble() < (gold ? 0.8 : 0.2) ? "store" : "web";
            string active = random.NextDouble() < 0.6 ? "yes" : "no";
            int visits = random.Next(4) + (gold ? 6 : 0);
            string cell = random.NextDouble() < 0.05 ? "" : spend.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"C{i:D5},{Segments[segment]},{channel},{active},{cell},{visits}\n");
        }
        return Write(folder, name, text.ToString());
    }

    public static string Write(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
