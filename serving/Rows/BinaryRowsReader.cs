using System.Buffers.Binary;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// Rows sent as <c>application/octet-stream</c>: float32 values, little-endian, row after row, no header (rows x width x 4
/// bytes). For large batches of wide rows (images), where reading JSON numbers costs as much as scoring them.
/// </summary>
public static class BinaryRowsReader
{
    /// <summary>The content type of binary rows.</summary>
    public const string ContentType = "application/octet-stream";

    /// <summary>Reads the rows of <paramref name="body"/> for <paramref name="schema"/>; every problem is a <see cref="BadRequestException"/>.</summary>
    public static RowBlock Read(ReadOnlySpan<byte> body, FeatureSchema schema, int maxRows)
    {
        int width = schema.Width, rowBytes = width * sizeof(float);
        if (body.Length % rowBytes != 0)
            throw new BadRequestException($"the body has {body.Length} bytes, not a whole number of rows of {schema.What} ({rowBytes} bytes of float32 each)");
        int rows = body.Length / rowBytes;
        if (rows > maxRows) throw new BadRequestException($"more than {maxRows} rows; send at most {maxRows} per request");
        var values = new float[rows * width];
        for (int i = 0; i < values.Length; i++)
        {
            float value = BinaryPrimitives.ReadSingleLittleEndian(body.Slice(i * sizeof(float)));
            if (!float.IsFinite(value))
            {
                var feature = schema.Columns[i % width].Name is { } name ? $"feature '{name}'" : $"value {i % width}";
                throw new BadRequestException($"rows[{i / width}], {feature}: {value}; expected a finite number");
            }
            values[i] = value;
        }
        return new RowBlock(values, rows, width);
    }
}
