using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Cli.Bench;

/// <summary>The ceiling: one ONNX Runtime session scoring the rows in batches through OrtValues bound once to reused arrays.</summary>
public sealed class RawBatchScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly float[] _input, _source;
    private readonly OrtValue _inputValue;
    private readonly OrtValue[] _outputs;
    private readonly string[] _inputNames, _outputNames;
    private readonly int _batch, _width, _rows;

    internal RawBatchScorer(ScoringScenarios scenarios, bool decoder, int batch)
    {
        var model = scenarios.Model;
        _batch = batch;
        _rows = scenarios.RowCount;
        _width = decoder ? model.LatentDim : model.InputDim;
        _source = decoder ? scenarios.Latents : scenarios.Rows;
        _session = model.CreateSession(decoder ? model.DecoderPath : model.EncoderPath);
        _input = new float[batch * _width];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [batch, _width]);
        int[] outputWidths = decoder ? [model.InputDim] : [model.LatentDim, model.LatentDim];
        _outputs = outputWidths.Select(w => OrtValue.CreateTensorValueFromMemory(new float[batch * w], [batch, w])).ToArray();
        _inputNames = [decoder ? model.DecoderInput : model.EncoderInput];
        _outputNames = decoder ? [model.DecoderOutput] : [model.EncoderMu, model.EncoderLogVar];
    }

    /// <summary>Scores every full batch of the rows once.</summary>
    public void Run()
    {
        for (int start = 0; start + _batch <= _rows; start += _batch)
        {
            _source.AsSpan(start * _width, _batch * _width).CopyTo(_input);
            _session.Run(_run, _inputNames, [_inputValue], _outputNames, _outputs);
        }
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
