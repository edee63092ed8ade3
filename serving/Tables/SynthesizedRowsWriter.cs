using System.Buffers;
using System.Text;
using System.Text.Json;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// Synthetic rows in the training file's columns and spellings (<see cref="VaeTableRows.Cell"/>, as <c>vae synthesize</c>
/// writes them): JSON <c>{"pair_id": "...", "rows": [{"column": value}, ...]}</c> with numbers as JSON numbers, dates as strings in the file's format and a blank
/// cell as null, or CSV with a header row.
/// </summary>
internal static class SynthesizedRowsWriter
{
    public static byte[] Json(string pairId, VaeTableRows rows)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var names = rows.ColumnNames.Select(n => JsonEncodedText.Encode(n)).ToArray();
        var numeric = rows.ColumnNames.Select((_, j) => j < rows.Schema.Columns.Count && rows.Schema.Columns[j] is { IsNumber: true, IsDate: false }).ToArray();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("pair_id", pairId);
            json.WriteStartArray("rows");
            for (int r = 0; r < rows.Count; r++)
            {
                json.WriteStartObject();
                for (int j = 0; j < names.Length; j++)
                {
                    var cell = rows.Cell(r, j);
                    json.WritePropertyName(names[j]);
                    if (cell.Length == 0) json.WriteNullValue();
                    else if (numeric[j]) json.WriteRawValue(cell); // already the file's number text: digits, a sign and a dot
                    else json.WriteStringValue(cell);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Csv(VaeTableRows rows)
    {
        var names = rows.ColumnNames;
        var text = CsvText.AppendRecord(new StringBuilder(), names);
        for (int r = 0; r < rows.Count; r++) CsvText.AppendRecord(text, Enumerable.Range(0, names.Count).Select(j => rows.Cell(r, j)));
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
