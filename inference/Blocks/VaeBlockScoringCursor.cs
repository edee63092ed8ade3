using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Blocks;

/// <summary>
/// Reads a block of rows ahead from the upstream cursor, scores the block with one call per graph, and serves its rows.
/// Input vectors, pass-through columns and row ids of the block are kept in arrays allocated once per cursor.
/// </summary>
internal sealed class VaeBlockScoringCursor : DataViewRowCursor
{
    private readonly VaeBlockScoringDataView _view;
    private readonly DataViewRowCursor _upstream;
    private readonly HashSet<int> _active;
    private readonly VaeBlockBuffers _buffers;
    private readonly Dictionary<int, BlockColumnCache> _caches = new();
    private readonly ValueGetter<VBuffer<float>> _input;
    private readonly ValueGetter<DataViewRowId> _upstreamId;
    private readonly DataViewRowId[] _ids;
    private readonly int _width;
    private VBuffer<float> _scratch;
    private int _count, _index = -1;
    private long _position = -1;
    private bool _done;

    public VaeBlockScoringCursor(VaeBlockScoringDataView view, DataViewRowCursor upstream, HashSet<int> active)
    {
        _view = view;
        _upstream = upstream;
        _active = active;
        _width = view.Runner.InputWidth;
        _buffers = view.Runner.RentBuffers(view.BlockSize);
        _input = upstream.GetGetter<VBuffer<float>>(view.InputColumn);
        _upstreamId = upstream.GetIdGetter();
        _ids = new DataViewRowId[view.BlockSize];
        foreach (var column in view.Source.Schema.Where(c => active.Contains(c.Index)))
            _caches[column.Index] = BlockColumnCache.Create(upstream, column, view.BlockSize);
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = _ids[_index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active.Contains(column.Index)) throw new InvalidOperationException($"column '{column.Name}' was not requested from this cursor");
        if (_caches.TryGetValue(column.Index, out var cache)) return (ValueGetter<TValue>)cache.CreateGetter(() => _index);
        var output = _view.OutputAt(column.Index);
        Delegate getter = output switch
        {
            VaeBlockOutput.Mu => VectorGetter(_buffers.Mu, _view.Runner.Model.LatentDim),
            VaeBlockOutput.LogVar => VectorGetter(_buffers.LogVar, _view.Runner.Model.LatentDim),
            VaeBlockOutput.XHat => VectorGetter(_buffers.XHat, _view.Runner.Model.InputDim),
            VaeBlockOutput.Score => ScalarGetter(_buffers.Score),
            VaeBlockOutput.Reconstruction => ScalarGetter(_buffers.Reconstruction),
            VaeBlockOutput.Kl => ScalarGetter(_buffers.Kl),
            _ => ScalarGetter(_buffers.SquaredError),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}");
    }

    private ValueGetter<VBuffer<float>> VectorGetter(float[] block, int width) => (ref VBuffer<float> value) =>
    {
        // Writes into the caller's buffer: no allocation once the caller's buffer has the right size.
        var editor = VBufferEditor.Create(ref value, width);
        block.AsSpan(_index * width, width).CopyTo(editor.Values);
        value = editor.Commit();
    };

    private ValueGetter<float> ScalarGetter(float[] block) => (ref float value) => value = block[_index];

    public override bool MoveNext()
    {
        if (_done) return false;
        if (++_index < _count)
        {
            _position++;
            return true;
        }
        _count = 0;
        while (_count < _view.BlockSize && _upstream.MoveNext())
        {
            _input(ref _scratch);
            if (_scratch.Length != _width)
                throw new InvalidOperationException($"row {_upstream.Position}: column '{_view.InputColumn.Name}' has {_scratch.Length} values; expected {_width}");
            _scratch.CopyTo(_buffers.Input.AsSpan(_count * _width, _width));
            foreach (var cache in _caches.Values) cache.Store(_count);
            _upstreamId(ref _ids[_count]);
            _count++;
        }
        if (_count == 0)
        {
            _done = true;
            return false;
        }
        _view.Runner.Run(_buffers, _count);
        _index = 0;
        _position++;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _upstream.Dispose();
            _view.Runner.ReturnBuffers(_buffers);
        }
        base.Dispose(disposing);
    }
}
