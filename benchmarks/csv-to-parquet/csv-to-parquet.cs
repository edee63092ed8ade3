#:package Parquet.Net@6.1.0
#:property ManagePackageVersionsCentrally=false
// Writes a Parquet copy of a plain CSV file (no quoted cells, as benchmarks/tables/customers.py writes) with typed columns:
// a column whose cells are all whole numbers becomes long, all numbers double, all ISO dates a date, all ISO date-times a
// date-time, anything else text; a blank cell is a null. Row groups of 100,000 rows, so memory holds one group.
// Usage: dotnet run benchmarks/csv-to-parquet/csv-to-parquet.cs -- IN.csv OUT.parquet
using System.Globalization;
using Parquet;
using Parquet.Schema;

const int GroupRows = 100_000;
var (input, output) = (args[0], args[1]);
var header = File.ReadLines(input).First().Split(',');
var kinds = Enumerable.Repeat(Kind.Long, header.Length).ToArray();
foreach (var line in File.ReadLines(input).Skip(1))
{
    var cells = line.Split(',');
    for (int j = 0; j < cells.Length; j++)
        while (cells[j].Length > 0 && !Reads(kinds[j], cells[j])) kinds[j]++;
}
var fields = header.Select((name, j) => kinds[j] switch
{
    Kind.Long => (DataField)new DataField<long?>(name),
    Kind.Double => new DataField<double?>(name),
    Kind.Date => new DataField<DateOnly?>(name),
    Kind.DateTime => new DataField<DateTime?>(name),
    _ => new DataField<string>(name),
}).ToArray();
await using (var stream = File.Create(output + ".tmp"))
await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
    foreach (var group in File.ReadLines(input).Skip(1).Chunk(GroupRows))
    {
        using var rowGroup = writer.CreateRowGroup();
        var rows = group.Select(l => l.Split(',')).ToArray();
        for (int j = 0; j < header.Length; j++)
        {
            string[] column = rows.Select(r => r[j]).ToArray();
            switch (kinds[j])
            {
                case Kind.Long: await rowGroup.WriteAsync<long>(fields[j], column.Select(c => c.Length == 0 ? (long?)null : long.Parse(c, CultureInfo.InvariantCulture)).ToArray().AsMemory()); break;
                case Kind.Double: await rowGroup.WriteAsync<double>(fields[j], column.Select(c => c.Length == 0 ? (double?)null : double.Parse(c, CultureInfo.InvariantCulture)).ToArray().AsMemory()); break;
                case Kind.Date: await rowGroup.WriteAsync<DateOnly>(fields[j], column.Select(c => c.Length == 0 ? (DateOnly?)null : DateOnly.ParseExact(c, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray().AsMemory()); break;
                case Kind.DateTime: await rowGroup.WriteAsync<DateTime>(fields[j], column.Select(c => c.Length == 0 ? (DateTime?)null : DateTime.ParseExact(c, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)).ToArray().AsMemory()); break;
                default: await rowGroup.WriteAsync(fields[j], column); break;
            }
        }
    }
File.Move(output + ".tmp", output, overwrite: true);

static bool Reads(Kind kind, string cell) => kind switch
{
    Kind.Long => long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
    Kind.Double => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
    Kind.Date => DateOnly.TryParseExact(cell, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
    Kind.DateTime => DateTime.TryParseExact(cell, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
    _ => true,
};

enum Kind { Long, Double, Date, DateTime, Text }
