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

    /// <summary>The first order day of <see cref="Orders"/>; its days run for two years from here.</summary>
    public static readonly DateTime FirstOrderDay = new(2022, 1, 3, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Orders over two years: order_date (in <paramref name="dateFormat"/>; never a Sunday, the shop is closed), placed_at
    /// (the order's time, 08:00 to 20:00, as "yyyy-MM-dd HH:mm:ss"; blank in about 5% of rows) and an amount that grows with the date.
    /// </summary>
    public static string Orders(string folder, int rows = 400, int seed = 1, string name = "orders.csv", string dateFormat = "yyyy-MM-dd")
    {
        var random = new Random(seed);
        var text = new StringBuilder("id,order_date,placed_at,amount\n");
        for (int i = 0; i < rows; i++)
        {
            var day = FirstOrderDay.AddDays(random.Next(730));
            if (day.DayOfWeek == DayOfWeek.Sunday) day = day.AddDays(1);
            var placed = day.AddMinutes(8 * 60 + random.Next(12 * 60)).AddSeconds(random.Next(60));
            double amount = Math.Round(50 + 0.1 * (day - FirstOrderDay).TotalDays + 5 * Normal(random), 2);
            var placedText = random.NextDouble() < 0.05 ? "" : placed.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"O{i:D5},{day.ToString(dateFormat, CultureInfo.InvariantCulture)},{placedText},{amount.ToString(CultureInfo.InvariantCulture)}\n");
        }
        return Write(folder, name, text.ToString());
    }

    /// <summary>
    /// Subscriptions with price points (free 40%, basic 35%, pro 25%): monthly_spend is 0 on free, 9.99 or 19.99 on basic,
    /// 49.99 on pro; seats are whole numbers set by the plan; discount is 0 on free and about 5% (three decimals) otherwise.
    /// </summary>
    public static string PricePoints(string folder, int rows = 800, int seed = 1, string name = "plans.csv")
    {
        var random = new Random(seed);
        var text = new StringBuilder("plan,seats,monthly_spend,discount\n");
        for (int i = 0; i < rows; i++)
        {
            double u = random.NextDouble();
            var plan = u < 0.4 ? "free" : u < 0.75 ? "basic" : "pro";
            var (seats, spend) = plan switch
            {
                "free" => (1, "0"),
                "basic" => (1 + random.Next(3), random.NextDouble() < 0.6 ? "9.99" : "19.99"),
                _ => (5 + random.Next(16), "49.99"),
            };
            var discount = plan == "free" ? "0" : Math.Max(0.001, 0.05 + 0.02 * Normal(random)).ToString("0.000", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{plan},{seats},{spend},{discount}\n");
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
