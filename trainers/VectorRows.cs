using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Trainers;

/// <summary>Rows of one vector column to and from a row-major block of floats.</summary>
internal static class VectorRows
{
    /// <summary>Every row of <paramref name="column"/>, read through one cursor; a NaN or an infinity is refused, naming the row.</summary>
    public static float[] Read(IDataView view, DataViewSchema.Column column)
    {
        var values = new List<float>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        while (cursor.MoveNext())
        {
            getter(ref row);
            foreach (var v in row.DenseValues())
            {
                if (!float.IsFinite(v))
                    throw new InvalidDataException($"row {cursor.Position + 1}, column '{column.Name}': {v} is not a finite number; a plain model's features are finite");
                values.Add(v);
            }
        }
        return values.ToArray();
    }

    /// <summary>A data view of one column, <paramref name="name"/>: a vector of <paramref name="width"/> Single per row.</summary>
    public static IDataView ToDataView(MLContext mlContext, string name, float[] values, int width)
    {
        var rows = Enumerable.Range(0, values.Length / width).Select(r => new Row { Values = values.AsSpan(r * width, width).ToArray() }).ToArray();
        var schema = SchemaDefinition.Create(typeof(Row));
        var column = schema[nameof(Row.Values)];
        (column.ColumnName, column.ColumnType) = (name, new VectorDataViewType(NumberDataViewType.Single, width));
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class Row
    {
        public float[] Values { get; set; } = [];
    }
}
