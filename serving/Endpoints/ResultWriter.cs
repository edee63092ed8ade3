using System.Buffers;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>
/// Writes <c>{"pair_id": "...", "results": [{...}, ...]}</c> from a scored data view, one object per row with the given
/// fields, read with cursor getters (no object per row). Floats are written shortest round-trippable; a value that is not
/// finite (JSON has no NaN or infinity) is written as null.
/// </summary>
internal static class ResultWriter
{
    public static byte[] Write(string pairId, IDataView scored, IReadOnlyList<ResultField> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("pair_id", pairId);
            json.WriteStartArray("results");
            var columns = fields.Select(f => scored.Schema[f.Column]).ToArray();
            using var cursor = scored.GetRowCursor(columns);
            var writers = fields.Select((f, i) => FieldWriter(cursor, columns[i], JsonEncodedText.Encode(f.Json))).ToArray();
            while (cursor.MoveNext())
            {
                json.WriteStartObject();
                foreach (var write in writers) write(json);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static Action<Utf8JsonWriter> FieldWriter(DataViewRowCursor cursor, DataViewSchema.Column column, JsonEncodedText name)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            return json =>
            {
                getter(ref value);
                json.WriteStartArray(name);
                if (value.IsDense)
                    foreach (var v in value.GetValues()) Number(json, v);
                else
                    foreach (var v in value.DenseValues()) Number(json, v);
                json.WriteEndArray();
            };
        }
        var scalar = cursor.GetGetter<float>(column);
        return json =>
        {
            float v = 0;
            scalar(ref v);
            json.WritePropertyName(name);
            Number(json, v);
        };
    }

    private static void Number(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteNullValue();
    }
}
