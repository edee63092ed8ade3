using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>Block cache of a column whose values are copied by assignment (numbers, booleans, text, keys).</summary>
internal sealed class ValueBlockCache<T> : BlockColumnCache
{
    private readonly ValueGetter<T> _upstream;
    private readonly T[] _values;

    public ValueBlockCache(DataViewRowCursor upstream, DataViewSchema.Column column, int blockSize)
    {
        _upstream = upstream.GetGetter<T>(column);
        _values = new T[blockSize];
    }

    public override void Store(int row) => _upstream(ref _values[row]);

    public override Delegate CreateGetter(Func<int> current) => (ValueGetter<T>)((ref T value) => value = _values[current()]);
}
