using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// Writes the scores of a table pair block by block, so that a large upload is answered as it is read: JSON
/// <c>{"pair_id": "...", "results": [{"id"?, "score", "recon", "kl", "is_anomaly", "contributions": {"column": nats}}]}</c>,
/// or CSV as <c>vae score</c> writes it (<c>[id,]score,recon,kl,is_anomaly,contrib.&lt;column&gt;...</c>). Each call returns
/// the bytes to send next.
/// </summary>
internal sealed class TableScoreWriter : IDisposable
{
    private const string Score = VaeTableScoreEstimator.DefaultScoreColumn;
    private readonly TableSchema _schema;
    private readonly string? _idColumn;
    private readonly int? _top;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter? _json;
    private readonly JsonEncodedText[] _names;

    public TableScoreWriter(TableSchema schema, bool csv, string? idColumn, int? top)
    {
        (_schema, _idColumn, _top) = (schema, idColumn, top);
        _names = schema.Columns.Select(c => JsonEncodedText.Encode(c.Name)).ToArray();
        if (!csv) _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The content type of the answer.</summary>
    public string ContentType => _json is null ? "text/csv; charset=utf-8" : "application/json";

    /// <summary>The start of the answer: the JSON envelope, or the CSV header.</summary>
    public byte[] Start(string pairId)
    {
        if (_json is { } json)
        {
            json.WriteStartObject();
            json.WriteString("pair_id", pairId);
            json.WriteStartArray("results");
            return Take();
        }
        var header = new List<string>();
        if (_idColumn is not null) header.Add(_idColumn);
        header.AddRange(["score", "recon", "kl", "is_anomaly", .. _schema.Columns.Select(c => "contrib." + c.Name)]);
        return Encoding.UTF8.GetBytes(CsvText.AppendRecord(new StringBuilder(), header).ToString());
    }

    /// <summary>The results of one scored block; <paramref name="id"/> gives row r's pass-through id.</summary>
    public byte[] Block(IDataView scored, Func<int, JsonElement>? id)
    {
        string[] names = [Score, VaeScoreParts.Column(Score, VaeScoreParts.Reconstruction), VaeScoreParts.Column(Score, VaeScoreParts.Kl)];
        var columns = names.Select(n => scored.Schema[n]).ToArray();
        var contributions = scored.Schema[VaeTableScoreEstimator.ContributionsColumn(Score)];
        var anomaly = scored.Schema[VaeTableScoreEstimator.DefaultAnomalyColumn];
        using var cursor = scored.GetRowCursor([.. columns, contributions, anomaly]);
        var parts = columns.Select(c => cursor.GetGetter<float>(c)).ToArray();
        var getContributions = cursor.GetGetter<VBuffer<float>>(contributions);
        var getAnomaly = cursor.GetGetter<bool>(anomaly);
        var values = new float[3];
        VBuffer<float> buffer = default;
        var csv = _json is null ? new StringBuilder() : null;
        for (int r = 0; cursor.MoveNext(); r++)
        {
            for (int p = 0; p < parts.Length; p++) parts[p](ref values[p]);
            getContributions(ref buffer);
            bool isAnomaly = false;
            getAnomaly(ref isAnomaly);
            var row = new TableScoreRow(id?.Invoke(r), values, isAnomaly, buffer.DenseValues().ToArray());
            if (csv is null) WriteJson(_json!, row);
            else WriteCsv(csv, row);
        }
        return csv is null ? Take() : Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>The end of the answer.</summary>
    public byte[] End()
    {
        if (_json is not { } json) return [];
        json.WriteEndArray();
        json.WriteEndObject();
        return Take();
    }

    private void WriteJson(Utf8JsonWriter json, TableScoreRow row)
    {
        json.WriteStartObject();
        if (row.Id is { } id)
        {
            json.WritePropertyName("id");
            id.WriteTo(json);
        }
        Number(json, "score", row.Parts[0]);
        Number(json, "recon", row.Parts[1]);
        Number(json, "kl", row.Parts[2]);
        json.WriteBoolean("is_anomaly", row.IsAnomaly);
        json.WriteStartObject("contributions");
        foreach (int j in Order(row.Contributions)) Number(json, _names[j], row.Contributions[j]);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The columns whose contributions are written: all in column order, or the <c>top</c> largest, largest first.</summary>
    private IEnumerable<int> Order(float[] contributions) => _top is { } k
        ? Enumerable.Range(0, contributions.Length).OrderByDescending(j => contributions[j]).ThenBy(j => j).Take(k)
        : Enumerable.Range(0, contributions.Length);

    private void WriteCsv(StringBuilder csv, TableScoreRow row)
    {
        static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        var cells = new List<string>(5 + row.Contributions.Length);
        if (row.Id is { } id) cells.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : id.ValueKind == JsonValueKind.Null ? "" : id.GetRawText());
        cells.AddRange([F(row.Parts[0]), F(row.Parts[1]), F(row.Parts[2]), row.IsAnomaly ? "true" : "false", .. row.Contributions.Select(F)]);
        CsvText.AppendRecord(csv, cells);
    }

    private static void Number(Utf8JsonWriter json, JsonEncodedText name, float value)
    {
        // JSON has no NaN or infinity.
        if (float.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter json, string name, float value) => Number(json, JsonEncodedText.Encode(name), value);

    private byte[] Take()
    {
        _json!.Flush();
        var bytes = _buffer.WrittenSpan.ToArray();
        _buffer.ResetWrittenCount();
        return bytes;
    }

    public void Dispose() => _json?.Dispose();

    private sealed record TableScoreRow(JsonElement? Id, float[] Parts, bool IsAnomaly, float[] Contributions);
}
