using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Bench;

/// <summary>
/// The ceiling: one ONNX Runtime session scoring the rows in batches through OrtValues bound once to reused arrays.
/// A last partial batch is scored too, so a pass covers every row and rows/s figures count rows that were scored.
/// </summary>
public sealed class RawBatchScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly float[] _input, _source;
    private readonly float[][] _outputArrays;
    private readonly int[] _outputWidths;
    private readonly OrtValue _inputValue;
    private readonly OrtValue[] _outputs;
    private readonly string[] _inputNames, _outputNames;
    private readonly int _batch, _width, _rows;

    internal RawBatchScorer(ScoringScenarios scenarios, VaeModel model, bool decoder, int batch)
    {
        _batch = batch;
        _rows = scenarios.RowCount;
        _width = decoder ? model.LatentDim : model.InputDim;
        _source = decoder ? scenarios.Latents : scenarios.Rows;
        _session = model.CreateSession(decoder ? GraphRole.Decoder : GraphRole.Encoder);
        _input = new float[batch * _width];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [batch, _width]);
        _outputWidths = decoder ? [model.InputDim] : [model.LatentDim, model.LatentDim];
        _outputArrays = _outputWidths.Select(w => new float[batch * w]).ToArray();
        _outputs = _outputArrays.Select((a, i) => OrtValue.CreateTensorValueFromMemory(a, [batch, _outputWidths[i]])).ToArray();
        _inputNames = [decoder ? model.DecoderInput : model.EncoderInput];
        _outputNames = decoder ? [model.DecoderOutput] : [model.EncoderMu, model.EncoderLogVar];
    }

    /// <summary>Rows one <see cref="Run"/> scores: all of them.</summary>
    public int RowsPerRun => _rows;

    /// <summary>Scores every row once and returns the number of rows scored.</summary>
    /// <param name="batchScored">
    /// Optional: sees each batch's first row, its row count and the output arrays (row-major; a last, shorter batch fills
    /// their leading part). For checking what was computed, not for timing.
    /// </param>
    public int Run(Action<int, int, float[][]>? batchScored = null)
    {
        int start = 0;
        for (; start + _batch <= _rows; start += _batch)
        {
            _source.AsSpan(start * _width, _batch * _width).CopyTo(_input);
            _session.Run(_run, _inputNames, [_inputValue], _outputNames, _outputs);
            batchScored?.Invoke(start, _batch, _outputArrays);
        }
        int rest = _rows - start;
        if (rest > 0)
        {
            // The tail wraps the leading part of the same arrays for this one call, as the chain's short last block does.
            _source.AsSpan(start * _width, rest * _width).CopyTo(_input);
            var info = OrtMemoryInfo.DefaultInstance;
            using var input = OrtValue.CreateTensorValueFromMemory(info, _input.AsMemory(0, rest * _width), [rest, _width]);
            var outputs = _outputArrays.Select((a, i) => OrtValue.CreateTensorValueFromMemory(info, a.AsMemory(0, rest * _outputWidths[i]), [rest, _outputWidths[i]])).ToArray();
            try
            {
                _session.Run(_run, _inputNames, [input], _outputNames, outputs);
            }
            finally
            {
                foreach (var o in outputs) o.Dispose();
            }
            batchScored?.Invoke(start, rest, _outputArrays);
        }
        return _rows;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _inputValue.Dispose();
        foreach (var o in _outputs) o.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
