using Parquet;
using Parquet.Schema;
using VaeOnnx.Contract;

namespace VaeOnnx.Sources;

/// <summary>
/// Reads a Parquet file (Parquet.Net) as blocks of text cells: one row group at a time, so memory holds one row group's
/// cells, not the file's. Row numbers count the file's rows from 1 and stand where a CSV file's line numbers do. Every
/// column must be a flat column of a type <see cref="CellText"/> reads; a list, map or structure, or a binary column, is
/// refused before any row is read, naming the file, the column and its type.
/// </summary>
internal static class ParquetTableReader
{
    /// <summary>Consecutive blocks of at most <paramref name="blockRows"/> rows (a block may span row groups).</summary>
    public static IEnumerable<RawTable> ReadBlocks(string path, int blockRows)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such Parquet file", path);
        var reader = Wait(ParquetReader.CreateAsync(path, new ParquetOptions { UseDateOnlyTypeForDates = true }));
        try
        {
            foreach (var block in ReadBlocks(reader, path, blockRows)) yield return block;
        }
        finally
        {
            Wait(reader.DisposeAsync());
        }
    }

    private static IEnumerable<RawTable> ReadBlocks(ParquetReader reader, string path, int blockRows)
    {
        var fields = DataFields(reader.Schema, path);
        var header = fields.Select(f => f.Name).ToArray();
        var (rows, lines) = (new List<string[]>(), new List<int>());
        int row = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = checked((int)group.RowCount);
            var columns = fields.Select(f => ReadColumn(group, f, count, path)).ToArray();
            for (int r = 0; r < count; r++)
            {
                rows.Add(columns.Select(c => c[r]).ToArray());
                lines.Add(++row);
                if (rows.Count == blockRows)
                {
                    yield return new RawTable(path, header, rows, lines);
                    (rows, lines) = (new List<string[]>(), new List<int>());
                }
            }
        }
        if (rows.Count > 0) yield return new RawTable(path, header, rows, lines);
        else if (row == 0) throw new DataFormatException(path, "no data rows; expected at least one row");
    }

    private static DataField[] DataFields(ParquetSchema schema, string path)
    {
        foreach (var field in schema.Fields)
            if (field is not DataField data || data.IsArray)
                throw CellText.Refuse(path, field.Name, field is DataField ? "list" : field.SchemaType.ToString().ToLowerInvariant());
            else if (data.ClrType == typeof(byte[]) || data.ClrType == typeof(ReadOnlyMemory<byte>))
                throw CellText.Refuse(path, field.Name, "binary (byte[])");
            else if (!IsText(data) && !CellText.Reads(data.ClrType))
                throw CellText.Refuse(path, field.Name, data.ClrType.Name);
        return schema.Fields.Cast<DataField>().ToArray();
    }

    private static string[] ReadColumn(ParquetRowGroupReader group, DataField field, int rows, string path)
    {
        var type = field.ClrType;
        if (IsText(field))
        {
            var text = new string?[rows];
            Wait(group.ReadAsync(field, text.AsMemory()));
            return Array.ConvertAll(text, t => t?.Trim() ?? "");
        }
        return type switch
        {
            _ when type == typeof(bool) => Values<bool>(group, field, rows, path),
            _ when type == typeof(sbyte) => Values<sbyte>(group, field, rows, path),
            _ when type == typeof(byte) => Values<byte>(group, field, rows, path),
            _ when type == typeof(short) => Values<short>(group, field, rows, path),
            _ when type == typeof(ushort) => Values<ushort>(group, field, rows, path),
            _ when type == typeof(int) => Values<int>(group, field, rows, path),
            _ when type == typeof(uint) => Values<uint>(group, field, rows, path),
            _ when type == typeof(long) => Values<long>(group, field, rows, path),
            _ when type == typeof(ulong) => Values<ulong>(group, field, rows, path),
            _ when type == typeof(Half) => Values<Half>(group, field, rows, path),
            _ when type == typeof(float) => Values<float>(group, field, rows, path),
            _ when type == typeof(double) => Values<double>(group, field, rows, path),
            _ when type == typeof(decimal) => Values<decimal>(group, field, rows, path),
            _ when type == typeof(DateTime) => Values<DateTime>(group, field, rows, path),
            _ when type == typeof(DateOnly) => Values<DateOnly>(group, field, rows, path),
            _ when type == typeof(TimeOnly) => Values<TimeOnly>(group, field, rows, path),
            _ when type == typeof(TimeSpan) => Values<TimeSpan>(group, field, rows, path),
            _ when type == typeof(Guid) => Values<Guid>(group, field, rows, path),
            _ => throw CellText.Refuse(path, field.Name, type.Name),
        };
    }

    // Parquet.Net 6 gives a UTF-8 column's type as ReadOnlyMemory<char> unless told otherwise; either way it reads as strings.
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static string[] Values<T>(ParquetRowGroupReader group, DataField field, int rows, string path) where T : struct
    {
        var values = new T?[rows];
        Wait(group.ReadAsync(field, values.AsMemory()));
        return Array.ConvertAll(values, v => CellText.Of(v, path, field.Name));
    }

    // Parquet.Net reads asynchronously; the table readers are enumerators that callers consume synchronously.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(ValueTask task) => task.AsTask().GetAwaiter().GetResult();
}
