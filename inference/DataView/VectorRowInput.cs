using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// The input of the vector pairs: one float vector column of the pass's width (x, or z for decoding), and the one-hot
/// condition column of a conditional pair beside it.
/// </summary>
internal sealed class VectorRowInput : IRowInput
{
    private readonly DataViewRow _row;
    private readonly DataViewSchema.Column _column;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly IScoringPass _pass;
    private readonly int _width;
    private readonly DataViewSchema.Column? _conditionColumn;
    private readonly ValueGetter<VBuffer<float>>? _condition;
    private readonly int _conditionWidth;
    private VBuffer<float> _scratch;

    public VectorRowInput(DataViewRow row, DataViewSchema.Column column, IScoringPass pass,
        DataViewSchema.Column? conditionColumn = null, int conditionWidth = 0)
    {
        (_row, _column, _pass, _width) = (row, column, pass, pass.InputWidth);
        _getter = row.GetGetter<VBuffer<float>>(column);
        (_conditionColumn, _conditionWidth) = (conditionColumn, conditionWidth);
        if (conditionColumn is { } condition) _condition = row.GetGetter<VBuffer<float>>(condition);
    }

    public void Store(ScoringBuffers buffers, int slot)
    {
        var target = _pass.InputOf(buffers);
        if (buffers.BlockSize == 1) StoreInPlace(target);
        else
        {
            _getter(ref _scratch);
            if (_scratch.Length != _width)
                throw new InvalidOperationException($"row {_row.Position}: column '{_column.Name}' has {_scratch.Length} values; expected {_width}");
            _scratch.CopyTo(target.AsSpan(slot * _width, _width));
        }
        if (_condition is null) return;
        int k = _conditionWidth;
        _condition(ref _scratch);
        if (_scratch.Length != k)
            throw new InvalidOperationException($"row {_row.Position}: column '{_conditionColumn!.Value.Name}' has {_scratch.Length} values; expected {k}");
        _scratch.CopyTo(buffers.Condition.AsSpan(slot * k, k));
    }

    /// <summary>
    /// A block of one (PredictionEngine): hands the upstream getter the ONNX Runtime input array itself, which a getter
    /// that writes into the caller's buffer (ML.NET's own do) fills in place; one that hands out its own array, or a
    /// sparse vector, is copied as for a block.
    /// </summary>
    private void StoreInPlace(float[] target)
    {
        var value = new VBuffer<float>(_width, target);
        _getter(ref value);
        if (value.Length != _width)
            throw new InvalidOperationException($"row {_row.Position}: column '{_column.Name}' has {value.Length} values; expected {_width}");
        var values = value.GetValues();
        if (value.IsDense && Unsafe.AreSame(ref MemoryMarshal.GetReference(values), ref target[0])) return;
        // A sparse value may sit in the target array itself: densify it through the scratch buffer.
        value.CopyTo(ref _scratch);
        _scratch.CopyTo(target.AsSpan(0, _width));
    }
}
