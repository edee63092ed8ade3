using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// One block of a <see cref="BlockScoringCursor"/>: the pass's buffers, the pass-through columns and the row ids of up to
/// a block of upstream rows. A cursor that overlaps scoring with serving holds two and alternates between them.
/// </summary>
internal sealed class ScoringBlock
{
    private readonly ScoringPlan _plan;
    private readonly IRowInput _input;
    private readonly ValueGetter<DataViewRowId> _upstreamId;
    private readonly DataViewRowCursor _upstream;

    public ScoringBlock(ScoringPlan plan, DataViewRowCursor upstream, IRowInput input, IReadOnlyList<DataViewSchema.Column> passThrough)
    {
        _plan = plan;
        _upstream = upstream;
        _input = input;
        _upstreamId = upstream.GetIdGetter();
        Buffers = plan.Pass.RentBuffers(plan.BlockSize);
        Ids = new DataViewRowId[plan.BlockSize];
        foreach (var column in passThrough) Caches[column.Index] = BlockColumnCache.Create(upstream, column, plan.BlockSize);
    }

    /// <summary>The pass's input and output arrays of this block.</summary>
    public ScoringBuffers Buffers { get; }

    /// <summary>The pass-through columns of this block's rows, by column index.</summary>
    public Dictionary<int, BlockColumnCache> Caches { get; } = new();

    /// <summary>The upstream row ids of this block's rows.</summary>
    public DataViewRowId[] Ids { get; }

    /// <summary>Rows held (the last block of a pass may be short; 0 once the upstream cursor is exhausted).</summary>
    public int Count { get; private set; }

    /// <summary>Reads up to a block of rows from the upstream cursor (on the caller's thread: ML.NET cursors are not shared across threads at once).</summary>
    public void Fill()
    {
        Count = 0;
        while (Count < _plan.BlockSize && _upstream.MoveNext())
        {
            _input.Store(Buffers, Count);
            foreach (var cache in Caches.Values) cache.Store(Count);
            _upstreamId(ref Ids[Count]);
            Count++;
        }
    }

    /// <summary>Scores the rows held, one call per graph.</summary>
    public void Score() => _plan.Pass.Run(Buffers, Count);

    /// <summary>Gives the buffers back to the pass.</summary>
    public void Release() => _plan.Pass.ReturnBuffers(Buffers);
}
