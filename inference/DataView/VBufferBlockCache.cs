using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>Block cache of a vector column: values are deep-copied, because upstream getters may reuse one buffer for every row.</summary>
internal sealed class VBufferBlockCache<T> : BlockColumnCache
{
    private readonly ValueGetter<VBuffer<T>> _upstream;
    private readonly VBuffer<T>[] _values;
    private VBuffer<T> _scratch;

    public VBufferBlockCache(DataViewRowCursor upstream, DataViewSchema.Column column, int blockSize)
    {
        _upstream = upstream.GetGetter<VBuffer<T>>(column);
        _values = new VBuffer<T>[blockSize];
    }

    public override void Store(int row)
    {
        _upstream(ref _scratch);
        _scratch.CopyTo(ref _values[row]);
    }

    public override Delegate CreateGetter(Func<int> current) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[current()].CopyTo(ref value));
}
