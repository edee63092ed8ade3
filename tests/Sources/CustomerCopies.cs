using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Parquet;
using Parquet.Schema;

namespace VaeOnnx.Tests.Sources;

/// <summary>
/// One small customers table written three ways: a CSV file, a Parquet file (several row groups, typed columns: text,
/// a boolean, a nullable double, an integer, a date) and a SQLite table (the flag declared BOOLEAN, kept as 0 and 1). The
/// plan follows the country, the spend follows the plan (blank in about 8% of rows), active customers visit more.
/// </summary>
internal sealed class CustomerCopies
{
    public static readonly string[] Header = ["customer_id", "country", "plan", "is_active", "monthly_spend", "visits", "signup_date"];

    private CustomerCopies(string folder, int rows, int seed)
    {
        var random = new Random(seed);
        string[] countries = ["DE", "FR", "IT"], plans = ["basic", "plus", "pro"];
        for (int i = 0; i < rows; i++)
        {
            int country = random.Next(3);
            int plan = random.NextDouble() < 0.7 ? country : random.Next(3);
            bool active = random.NextDouble() < 0.6;
            double? spend = random.NextDouble() < 0.08 ? null : Math.Round(10 + 25 * plan + 4 * Normal(random), 2);
            Ids.Add($"C{i + 1:D5}");
            Countries.Add(countries[country]);
            Plans.Add(plans[plan]);
            Active.Add(active);
            Spend.Add(spend);
            Visits.Add(random.Next(3) + (active ? 3 : 0));
            Signup.Add(new DateOnly(2024, 1, 1).AddDays(random.Next(20)));
        }
        (Csv, Parquet, Sqlite) = (Path.Combine(folder, "customers.csv"), Path.Combine(folder, "customers.parquet"), Path.Combine(folder, "customers.db"));
    }

    public List<string> Ids { get; } = [];
    public List<string> Countries { get; } = [];
    public List<string> Plans { get; } = [];
    public List<bool> Active { get; } = [];
    public List<double?> Spend { get; } = [];
    public List<int> Visits { get; } = [];
    public List<DateOnly> Signup { get; } = [];
    public string Csv { get; }
    public string Parquet { get; }
    public string Sqlite { get; }
    public int Rows => Ids.Count;

    /// <summary>Writes the three copies into <paramref name="folder"/>; the Parquet file has row groups of <paramref name="rowGroup"/> rows.</summary>
    public static CustomerCopies Write(string folder, int rows, int rowGroup, int seed = 1)
    {
        var copies = new CustomerCopies(folder, rows, seed);
        copies.WriteCsv();
        copies.WriteParquet(rowGroup).GetAwaiter().GetResult();
        copies.WriteSqlite();
        return copies;
    }

    /// <summary>Row <paramref name="r"/>'s cells as a CSV file holds them (and as every source reads them).</summary>
    public string[] Cells(int r) =>
    [
        Ids[r], Countries[r], Plans[r], Active[r] ? "true" : "false", Spend[r]?.ToString(CultureInfo.InvariantCulture) ?? "",
        Visits[r].ToString(CultureInfo.InvariantCulture), Signup[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    ];

    private void WriteCsv()
    {
        var text = new StringBuilder(string.Join(",", Header)).Append('\n');
        for (int r = 0; r < Rows; r++) text.Append(string.Join(",", Cells(r))).Append('\n');
        File.WriteAllText(Csv, text.ToString());
    }

    private async Task WriteParquet(int rowGroup)
    {
        var fields = new DataField[]
        {
            new DataField<string>(Header[0]), new DataField<string>(Header[1]), new DataField<string>(Header[2]), new DataField<bool>(Header[3]),
            new DataField<double?>(Header[4]), new DataField<int>(Header[5]), new DataField<DateOnly>(Header[6]),
        };
        await using var stream = File.Create(Parquet);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        for (int start = 0; start < Rows; start += rowGroup)
        {
            int count = Math.Min(rowGroup, Rows - start);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fields[0], Ids.GetRange(start, count));
            await group.WriteAsync(fields[1], Countries.GetRange(start, count));
            await group.WriteAsync(fields[2], Plans.GetRange(start, count));
            await group.WriteAsync<bool>(fields[3], Active.GetRange(start, count).ToArray().AsMemory());
            await group.WriteAsync<double>(fields[4], Spend.GetRange(start, count).ToArray().AsMemory());
            await group.WriteAsync<int>(fields[5], Visits.GetRange(start, count).ToArray().AsMemory());
            await group.WriteAsync<DateOnly>(fields[6], Signup.GetRange(start, count).ToArray().AsMemory());
        }
    }

    private void WriteSqlite()
    {
        using var connection = new SqliteConnection($"Data Source={Sqlite};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "create table customers (customer_id text, country text, plan text, is_active boolean, monthly_spend real, visits integer, signup_date text)";
            create.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "insert into customers values ($id, $country, $plan, $active, $spend, $visits, $signup)";
        for (int r = 0; r < Rows; r++)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$id", Ids[r]);
            insert.Parameters.AddWithValue("$country", Countries[r]);
            insert.Parameters.AddWithValue("$plan", Plans[r]);
            insert.Parameters.AddWithValue("$active", Active[r] ? 1 : 0);
            insert.Parameters.AddWithValue("$spend", (object?)Spend[r] ?? DBNull.Value);
            insert.Parameters.AddWithValue("$visits", Visits[r]);
            insert.Parameters.AddWithValue("$signup", Signup[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
