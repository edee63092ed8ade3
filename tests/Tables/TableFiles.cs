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

    public static string Write(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
