using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// Reads a block of rows ahead from the upstream cursor, scores the block with one call per graph, and serves its rows.
/// Input vectors, pass-through columns and row ids of the block are kept in arrays allocated once per cursor.
/// </summary>
internal sealed class BlockScoringCursor : DataViewRowCursor
{
    private static readonly Action Scored = () => { };
    private readonly BlockScoringDataView _view;
    private readonly ScoringPlan _plan;
    private readonly DataViewRowCursor _upstream;
    private readonly HashSet<int> _active;
    private readonly ScoringBuffers _buffers;
    private readonly Dictionary<int, BlockColumnCache> _caches = new();
    private readonly IRowInput _input;
    private readonly ValueGetter<DataViewRowId> _upstreamId;
    private readonly DataViewRowId[] _ids;
    private int _count, _index = -1;
    private long _position = -1;
    private bool _done;

    public BlockScoringCursor(BlockScoringDataView view, DataViewRowCursor upstream, HashSet<int> active)
    {
        _view = view;
        _plan = view.Plan;
        _upstream = upstream;
        _active = active;
        _buffers = _plan.Engine.RentBuffers(_plan.BlockSize);
        _input = _plan.CreateInput(upstream, view.InputColumns);
        _upstreamId = upstream.GetIdGetter();
        _ids = new DataViewRowId[_plan.BlockSize];
        foreach (var column in view.Source.Schema.Where(c => active.Contains(c.Index)))
            _caches[column.Index] = BlockColumnCache.Create(upstream, column, _plan.BlockSize);
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
        return ScoredGetter.Create<TValue>(column, _buffers, _plan.OutputAt(column.Index, _view.Source.Schema.Count), () => _index, Scored, _plan.Threshold);
    }

    public override bool MoveNext()
    {
        if (_done) return false;
        if (++_index < _count)
        {
            _position++;
            return true;
        }
        _count = 0;
        while (_count < _plan.BlockSize && _upstream.MoveNext())
        {
            _input.Store(_buffers, _count);
            foreach (var cache in _caches.Values) cache.Store(_count);
            _upstreamId(ref _ids[_count]);
            _count++;
        }
        if (_count == 0)
        {
            _done = true;
            return false;
        }
        _plan.Engine.Run(_buffers, _count, _plan.Stage);
        _index = 0;
        _position++;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _upstream.Dispose();
            _plan.Engine.ReturnBuffers(_buffers);
        }
        base.Dispose(disposing);
    }
}
