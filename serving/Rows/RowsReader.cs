using System.Text.Json;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// Reads <c>{"rows": [row, ...]}</c> straight from the request bytes into one block of floats (no JSON tree per row;
/// bodies whose rows are all arrays take the faster <see cref="ArrayRowsParser"/>):
/// a row is an array of the model's values in input order, or an object keyed by feature name. Every problem is a
/// <see cref="BadRequestException"/> that names the row (<c>rows[3]</c>), the feature and what was expected.
/// </summary>
public static class RowsReader
{
    private const string Shape = "{\"rows\": [row, ...]}";
    private const string ConditionShape = "a condition value as a string, or an array of one string per row";

    /// <summary>Reads the rows of <paramref name="body"/> for <paramref name="schema"/>.</summary>
    public static RowBlock Read(ReadOnlySpan<byte> body, FeatureSchema schema, int maxRows)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty) throw new BadRequestException($"the body is empty; expected {Shape}");
        if (ArrayRowsParser.TryRead(body, schema.Width, maxRows) is { } fast) return fast;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject) throw new BadRequestException($"the body is {Describe(reader.TokenType)}; expected {Shape}");
            RowBlock? block = null;
            string[]? conditions = null;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                if (name == "condition" && conditions is null)
                {
                    Next(ref reader);
                    conditions = ReadConditions(ref reader);
                    continue;
                }
                if (name != "rows") throw new BadRequestException($"unknown property '{name}'; expected {Shape}");
                if (block is not null) throw new BadRequestException("'rows' is given twice");
                Next(ref reader);
                block = ReadRows(ref reader, schema, maxRows);
            }
            if (reader.Read()) throw new BadRequestException("content after the JSON object");
            if (block is null) throw new BadRequestException($"no 'rows'; expected {Shape}, a row being an array of {schema.What}{(schema.HasNames ? " or an object keyed by feature name" : "")}");
            return conditions is null ? block : block with { Conditions = PerRow(conditions, block.Rows) };
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>The "condition" property: one string (every row), or an array of strings (one per row).</summary>
    private static string[] ReadConditions(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray) throw new BadRequestException($"'condition' is {Describe(reader.TokenType)}; expected {ConditionShape}");
        var values = new List<string>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new BadRequestException($"condition[{values.Count}] is {Describe(reader.TokenType)}; expected {ConditionShape}");
            values.Add(reader.GetString()!);
        }
        if (values.Count == 0) throw new BadRequestException($"'condition' is an empty array; expected {ConditionShape}");
        return [.. values];
    }

    /// <summary>The conditions spread to one per row: a single value names every row's; an array must have one per row.</summary>
    private static string[] PerRow(string[] conditions, int rows)
    {
        if (conditions.Length == 1 && rows != 1) return Enumerable.Repeat(conditions[0], rows).ToArray();
        if (conditions.Length != rows) throw new BadRequestException($"'condition' has {conditions.Length} values for {rows} rows; expected one value for every row, or one per row");
        return conditions;
    }

    private static RowBlock ReadRows(ref Utf8JsonReader reader, FeatureSchema schema, int maxRows)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new BadRequestException($"'rows' is {Describe(reader.TokenType)}; expected an array of rows");
        int width = schema.Width, rows = 0;
        var values = new float[width * 16];
        var seen = new bool[width];
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (rows == maxRows) throw new BadRequestException($"more than {maxRows} rows; send at most {maxRows} per request");
            if ((rows + 1) * width > values.Length) Array.Resize(ref values, Math.Max(values.Length * 2, (rows + 1) * width));
            var row = values.AsSpan(rows * width, width);
            if (reader.TokenType == JsonTokenType.StartArray) ReadArrayRow(ref reader, row, rows, schema);
            else if (reader.TokenType == JsonTokenType.StartObject) ReadObjectRow(ref reader, row, seen, rows, schema);
            else throw new BadRequestException($"rows[{rows}] is {Describe(reader.TokenType)}; expected an array of {schema.What}{(schema.HasNames ? " or an object keyed by feature name" : "")}");
            rows++;
        }
        return new RowBlock(values, rows, width);
    }

    private static void ReadArrayRow(ref Utf8JsonReader reader, Span<float> row, int index, FeatureSchema schema)
    {
        int count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (count < row.Length) row[count] = Number(ref reader, index, schema, count);
            else if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) reader.Skip();
            count++;
        }
        if (count != row.Length) throw new BadRequestException($"rows[{index}] has {count} values; expected {schema.What}");
    }

    private static void ReadObjectRow(ref Utf8JsonReader reader, Span<float> row, bool[] seen, int index, FeatureSchema schema)
    {
        if (!schema.HasNames)
            throw new BadRequestException($"rows[{index}] is an object, but the model has no feature names; send each row as an array of {schema.What}");
        Array.Clear(seen);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            int feature = schema.IndexOf(name);
            if (feature < 0) throw new BadRequestException($"rows[{index}] has an unknown feature '{name}'; the model takes {schema.What}");
            if (seen[feature]) throw new BadRequestException($"rows[{index}] gives feature '{name}' twice");
            seen[feature] = true;
            Next(ref reader);
            row[feature] = Number(ref reader, index, schema, feature);
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0) throw new BadRequestException($"rows[{index}] has no feature '{schema.Columns[missing].Name}'; the model takes {schema.What}");
    }

    private static float Number(ref Utf8JsonReader reader, int row, FeatureSchema schema, int feature)
    {
        // The feature's label is built only for an error: this runs once per value.
        string What() => schema.Columns[feature].Name is { } name ? $"feature '{name}'" : $"value {feature}";
        if (reader.TokenType != JsonTokenType.Number)
            throw new BadRequestException($"rows[{row}], {What()}: {Describe(reader.TokenType)}; expected a number");
        if (!reader.TryGetSingle(out float value) || !float.IsFinite(value))
            throw new BadRequestException($"rows[{row}], {What()}: {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is outside the float32 range");
        return value;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new BadRequestException("the JSON ends too early");
        return reader.TokenType;
    }

    /// <summary>A token as a phrase: "a string", "null", "an object"...</summary>
    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
