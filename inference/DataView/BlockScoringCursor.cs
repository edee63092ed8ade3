using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// Reads a block of rows ahead from the upstream cursor, scores the block with one call per graph, and serves its rows.
/// Input vectors, pass-through columns and row ids of the block are kept in arrays allocated once per cursor.
/// With <see cref="VaeSessionOptions.OverlapBlocks"/> it holds two blocks: while the rows of block k are served, block
/// k+1 is scored on a pool thread, and once block k is served, block k+2 is read from upstream into its place while
/// k+1 is still being scored. The look-ahead is one block; the blocks and their results are the same as without it.
/// </summary>
internal sealed class BlockScoringCursor : DataViewRowCursor
{
    private static readonly Action Scored = () => { };
    private readonly BlockScoringDataView _view;
    private readonly ScoringPlan _plan;
    private readonly DataViewRowCursor _upstream;
    private readonly HashSet<int> _active;
    private readonly ScoringBlock[] _blocks;
    private Task? _next;
    private int _nextBlock, _served, _index = -1;
    private long _position = -1;
    private bool _done, _started;

    public BlockScoringCursor(BlockScoringDataView view, DataViewRowCursor upstream, HashSet<int> active)
    {
        _view = view;
        _plan = view.Plan;
        _upstream = upstream;
        _active = active;
        var input = _plan.CreateInput(upstream, view.InputColumns);
        var passThrough = view.Source.Schema.Where(c => active.Contains(c.Index)).ToArray();
        _blocks = new ScoringBlock[_plan.Pass.Model.Options.OverlapBlocks ? 2 : 1];
        try
        {
            for (int i = 0; i < _blocks.Length; i++) _blocks[i] = new ScoringBlock(_plan, upstream, input, passThrough);
        }
        catch
        {
            foreach (var block in _blocks) block?.Release();
            throw;
        }
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = _blocks[_served].Ids[_index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active.Contains(column.Index)) throw new InvalidOperationException($"column '{column.Name}' was not requested from this cursor");
        var getters = _blocks.Select(block => block.Caches.TryGetValue(column.Index, out var cache)
            ? (ValueGetter<TValue>)cache.CreateGetter(() => _index)
            : ScoredGetter.Create<TValue>(column, block.Buffers, _plan.OutputAt(column.Index, _view.Source.Schema.Count), () => _index, Scored, _plan.Threshold)).ToArray();
        if (getters.Length == 1) return getters[0];
        return (ref TValue value) => getters[_served](ref value);
    }

    public override bool MoveNext()
    {
        if (_done) return false;
        if (++_index < _blocks[_served].Count)
        {
            _position++;
            return true;
        }
        if (!(_blocks.Length == 1 ? ScoreNextBlock() : ServeNextOverlapped()))
        {
            _done = true;
            return false;
        }
        _index = 0;
        _position++;
        return true;
    }

    /// <summary>Reads and scores the next block in place of the one served.</summary>
    private bool ScoreNextBlock()
    {
        var block = _blocks[0];
        block.Fill();
        if (block.Count == 0) return false;
        block.Score();
        return true;
    }

    /// <summary>
    /// Waits for the block being scored and serves it; reads the block after it into the block just served (while the
    /// other one is still being scored) and starts scoring it.
    /// </summary>
    private bool ServeNextOverlapped()
    {
        if (!_started)
        {
            _started = true;
            var first = _blocks[0];
            first.Fill();
            if (first.Count == 0) return false;
            _next = Task.Run(first.Score);
            _nextBlock = 0;
        }
        if (_next is null) return false;
        var free = _blocks[1 - _nextBlock];
        try
        {
            free.Fill();
        }
        catch
        {
            WaitQuietly();
            throw;
        }
        var scoring = _next;
        _next = null;
        scoring.GetAwaiter().GetResult(); // ONNX Runtime's own exception, as without the overlap
        _served = _nextBlock;
        if (free.Count > 0)
        {
            _next = Task.Run(free.Score);
            _nextBlock = 1 - _nextBlock;
        }
        return true;
    }

    /// <summary>Waits for a block in flight so that its buffers can be given back; its own error, if any, is not the one to report.</summary>
    private void WaitQuietly()
    {
        var scoring = _next;
        _next = null;
        if (scoring is null) return;
        try
        {
            scoring.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // The caller is already failing or stopping; the block in flight is dropped.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            WaitQuietly();
            _upstream.Dispose();
            foreach (var block in _blocks) block.Release();
        }
        base.Dispose(disposing);
    }
}
