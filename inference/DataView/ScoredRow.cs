using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>One input row with the model's outputs, computed when first read at each new input position.</summary>
internal sealed class ScoredRow : DataViewRow
{
    private readonly ScoringRowMapper _mapper;
    private readonly DataViewRow _input;
    private readonly HashSet<int> _active;
    private readonly ScoringBuffers _buffers;
    private readonly IRowInput _inputs;
    private readonly Action _compute;
    private long _computed = long.MinValue;

    public ScoredRow(ScoringRowMapper mapper, DataViewRow input, HashSet<int> active)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        _buffers = mapper.Plan.Pass.RentBuffers(1);
        _inputs = mapper.Plan.CreateInput(input, mapper.InputColumns);
        _compute = Compute;
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < _mapper.InputSchema.Count) return _input.GetGetter<TValue>(_mapper.InputSchema[column.Index]);
        return ScoredGetter.Create<TValue>(column, _buffers, _mapper.Plan.OutputAt(column.Index, _mapper.InputSchema.Count), static () => 0, _compute, _mapper.Plan.Threshold);
    }

    private void Compute()
    {
        if (_computed == _input.Position) return;
        _inputs.Store(_buffers, 0);
        _mapper.Plan.Pass.Run(_buffers, 1);
        _computed = _input.Position;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _mapper.Plan.Pass.ReturnBuffers(_buffers);
        base.Dispose(disposing);
    }
}
