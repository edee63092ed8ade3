using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Blocks;

/// <summary>One input row with the model's outputs, computed when first read at each new input position.</summary>
internal sealed class VaeMappedRow : DataViewRow
{
    private readonly VaeRowMapper _mapper;
    private readonly DataViewRow _input;
    private readonly HashSet<int> _active;
    private readonly VaeBlockBuffers _buffers;
    private readonly ValueGetter<VBuffer<float>> _inputGetter;
    private VBuffer<float> _scratch;
    private long _computed = long.MinValue;

    public VaeMappedRow(VaeRowMapper mapper, DataViewRow input, HashSet<int> active)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        _buffers = new VaeBlockBuffers(mapper.Runner, 1);
        _inputGetter = input.GetGetter<VBuffer<float>>(mapper.InputColumn);
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < _mapper.InputSchema.Count) return _input.GetGetter<TValue>(_mapper.InputSchema[column.Index]);
        int latent = _mapper.Runner.Model.LatentDim, features = _mapper.Runner.Model.InputDim;
        Delegate getter = _mapper.OutputAt(column.Index) switch
        {
            VaeBlockOutput.Mu => Vector(_buffers.Mu, latent),
            VaeBlockOutput.LogVar => Vector(_buffers.LogVar, latent),
            VaeBlockOutput.XHat => Vector(_buffers.XHat, features),
            VaeBlockOutput.Score => Scalar(_buffers.Score),
            VaeBlockOutput.Reconstruction => Scalar(_buffers.Reconstruction),
            VaeBlockOutput.Kl => Scalar(_buffers.Kl),
            _ => Scalar(_buffers.SquaredError),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}");
    }

    private void Compute()
    {
        if (_computed == _input.Position) return;
        _inputGetter(ref _scratch);
        if (_scratch.Length != _mapper.Runner.InputWidth)
            throw new InvalidOperationException($"column '{_mapper.InputColumn.Name}' has {_scratch.Length} values; expected {_mapper.Runner.InputWidth}");
        _scratch.CopyTo(_buffers.Input.AsSpan(0, _mapper.Runner.InputWidth));
        _mapper.Runner.Run(_buffers, 1);
        _computed = _input.Position;
    }

    private ValueGetter<VBuffer<float>> Vector(float[] values, int width) => (ref VBuffer<float> value) =>
    {
        Compute();
        var editor = VBufferEditor.Create(ref value, width);
        values.AsSpan(0, width).CopyTo(editor.Values);
        value = editor.Commit();
    };

    private ValueGetter<float> Scalar(float[] values) => (ref float value) =>
    {
        Compute();
        value = values[0];
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing) _buffers.Dispose();
        base.Dispose(disposing);
    }
}
