using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Schema definitions of row classes for a hosted chain. Vector sizes come from the pair at run time, so a
/// <c>float[]</c> member cannot declare them with <c>[VectorType]</c>; each member that names a column of the chain takes
/// that column's type.
/// </summary>
internal static class ChainSchemas
{
    public static SchemaDefinition Input<T>(DataViewSchema schema) => Typed(SchemaDefinition.Create(typeof(T)), schema);

    public static SchemaDefinition Output<T>(DataViewSchema schema) => Typed(SchemaDefinition.Create(typeof(T), SchemaDefinition.Direction.Read), schema);

    private static SchemaDefinition Typed(SchemaDefinition definition, DataViewSchema schema)
    {
        foreach (var column in definition)
            if (schema.GetColumnOrNull(column.ColumnName) is { } found && found.Type is VectorDataViewType)
                column.ColumnType = found.Type;
        return definition;
    }
}
