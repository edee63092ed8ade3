using System.Text.Json;
using VaeOnnx.Inference;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// <c>POST /score</c> for a table pair: <c>{"rows": [{"column": value, ...}, ...], "id": "customer_id", "top": 3}</c>. A
/// cell is a string, a number, a boolean or null (a blank cell); every feature column (and the condition column of a
/// conditional pair) must be given, by name; a column the model does not know is refused unless it is the pass-through
/// <c>id</c> column, whose value each result echoes, or one the training file left out. A pair trained with an id column
/// echoes it when the request names no id and its rows carry it, as <c>vae score</c> writes it. <c>top</c> keeps the k
/// largest contributions.
/// </summary>
/// <param name="Rows">The rows.</param>
/// <param name="Ids">The pass-through id of every row (elements of the request's document), or null.</param>
/// <param name="IdColumn">The pass-through id column, or null.</param>
/// <param name="Top">Contributions per result: the largest k, or null for all in column order.</param>
internal sealed record TableScoreRequest(VaeTableRows Rows, JsonElement[]? Ids, string? IdColumn, int? Top)
{
    private const string Shape = "{\"rows\": [{\"column\": value, ...}, ...], \"id\": \"column\", \"top\": k}";

    /// <summary>Reads the request from <paramref name="root"/> (a document the caller keeps open while it writes the ids).</summary>
    public static TableScoreRequest Parse(JsonElement root, TableColumns columns, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new BadRequestException($"the body is {Describe(root)}; expected {Shape}");
        JsonElement? rows = null;
        string? id = null;
        int? top = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "rows": rows = property.Value; break;
                case "id": id = IdName(property.Value); break;
                case "top": top = TopCount(property.Value, columns.Schema.Columns.Count); break;
                default: throw new BadRequestException($"unknown property '{property.Name}'; expected {Shape}");
            }
        }
        if (rows is not { } array) throw new BadRequestException($"no 'rows'; expected {Shape}");
        if (array.ValueKind != JsonValueKind.Array) throw new BadRequestException($"'rows' is {Describe(array)}; expected an array of rows");
        id ??= RecordedId(array, columns);
        int count = array.GetArrayLength();
        if (count > maxRows) throw new BadRequestException($"more than {maxRows} rows; send at most {maxRows} per request");
        var block = new TableBlock(columns, count);
        var ids = id is null ? null : new JsonElement[count];
        int r = 0;
        foreach (var row in array.EnumerateArray())
        {
            ReadRow(row, r, columns, block, id, ids);
            r++;
        }
        return new TableScoreRequest(block.ToRows(count), ids, id, top);
    }

    private static void ReadRow(JsonElement row, int r, TableColumns columns, TableBlock block, string? id, JsonElement[]? ids)
    {
        var where = $"rows[{r}]";
        if (row.ValueKind != JsonValueKind.Object)
            throw new BadRequestException($"{where} is {Describe(row)}; expected an object keyed by column name ({columns.What})");
        var seen = new bool[columns.Required.Count];
        bool hasId = false;
        foreach (var cell in row.EnumerateObject())
        {
            if (cell.Name == id)
            {
                if (hasId) throw new BadRequestException($"{where} gives column '{cell.Name}' twice");
                ids![r] = cell.Value;
                hasId = true;
            }
            var index = columns.IndexOf(cell.Name);
            if (index is null)
            {
                if (cell.Name == id) continue;
                throw new BadRequestException($"{where} has an unknown column '{cell.Name}'; the model takes {columns.What} (send an id column with \"id\": \"{cell.Name}\")");
            }
            if (index == TableColumns.Dropped) continue;
            int j = index.Value;
            if (seen[j]) throw new BadRequestException($"{where} gives column '{cell.Name}' twice");
            seen[j] = true;
            Cell(block, r, j, cell, where);
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0) throw new BadRequestException($"{where} has no column '{columns.Required[missing]}'; every row gives {columns.What}, null for a missing value");
        if (id is not null && !hasId) throw new BadRequestException($"{where} has no id column '{id}'");
    }

    private static void Cell(TableBlock block, int r, int j, JsonProperty cell, string where)
    {
        var value = cell.Value;
        switch (value.ValueKind)
        {
            case JsonValueKind.String: block.SetText(r, j, value.GetString()!, where); break;
            case JsonValueKind.Number:
                // A number beyond double's range has no double; it is refused like one beyond float32's.
                block.SetNumber(r, j, value.TryGetDouble(out double number) ? number : double.PositiveInfinity, value.GetRawText(), where);
                break;
            case JsonValueKind.True or JsonValueKind.False: block.SetFlag(r, j, value.GetBoolean(), where); break;
            case JsonValueKind.Null: block.SetBlank(r, j, where); break;
            default: throw new BadRequestException($"{where}, column '{cell.Name}': {Describe(value)}; expected a string, a number, a boolean or null");
        }
    }

    private static string IdName(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } name)
            throw new BadRequestException($"'id' is {value.GetRawText()}; expected the name of the column to echo on each result, e.g. \"customer_id\"");
        return name;
    }

    /// <summary>The pair's recorded id column when the first row carries it, else null.</summary>
    private static string? RecordedId(JsonElement rows, TableColumns columns) =>
        columns.RecordedId is { } name && rows.GetArrayLength() > 0 && rows[0].ValueKind == JsonValueKind.Object && rows[0].TryGetProperty(name, out _) ? name : null;

    private static int TopCount(JsonElement value, int columns)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int k) || k < 1 || k > columns)
            throw new BadRequestException($"'top' is {value.GetRawText()}; expected a whole number from 1 to {columns} (the contributions to keep)");
        return k;
    }

    /// <summary>A JSON value's kind as a phrase: "an object", "a string", "null"...</summary>
    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
