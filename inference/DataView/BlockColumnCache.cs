using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// Keeps the values of one upstream column for every row of the current block: the upstream cursor has moved on by the
/// time a row is served, so pass-through columns are served from here.
/// </summary>
internal abstract class BlockColumnCache
{
    /// <summary>Copies the upstream cursor's current value into slot <paramref name="row"/>.</summary>
    public abstract void Store(int row);

    /// <summary>A getter that serves the slot of the row <paramref name="current"/> points at.</summary>
    public abstract Delegate CreateGetter(Func<int> current);

    /// <summary>A cache of the right kind for the column's type.</summary>
    public static BlockColumnCache Create(DataViewRowCursor upstream, DataViewSchema.Column column, int blockSize)
    {
        var raw = column.Type.RawType;
        var type = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VBufferBlockCache<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ValueBlockCache<>).MakeGenericType(raw);
        return (BlockColumnCache)Activator.CreateInstance(type, upstream, column, blockSize)!;
    }
}
