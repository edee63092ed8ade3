using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Tests.Inference;

/// <summary>A row with a feature vector (and a label) whose size is set at run time through a schema definition.</summary>
internal sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
    public int Label { get; set; }

    public static IDataView View(MLContext ml, IEnumerable<float[]> rows, int size, IEnumerable<int>? labels = null)
    {
        var labelList = labels?.ToArray();
        var items = rows.Select((r, i) => new FeatureRow { Features = r, Label = labelList?[i] ?? 0 }).ToList();
        return ml.Data.LoadFromEnumerable(items, Schema(size));
    }

    public static SchemaDefinition Schema(int size)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }
}
