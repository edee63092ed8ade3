using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Bench;

/// <summary>
/// The ceiling of a table pair's scoring: the same three graphs <c>VaeTableScore</c> runs (the encoder with its
/// featurisation, the decoder of mu, the table score graph), called straight through ONNX Runtime on the same blocks of
/// rows, with the sessions' options the transform uses (ONNX Runtime's threads, spinning off, every optimisation), as a user
/// writing ONNX Runtime code by hand would. No ML.NET, no cursor: the score and the contributions are copied out per block.
/// </summary>
public sealed class RawTableScorer : IDisposable
{
    private readonly InferenceSession _encoder, _decoder, _score;
    private readonly RunOptions _run = new();
    private readonly TableSchema _schema;
    private readonly string _decoderInput;
    private readonly int _batch;

    private static readonly string[] EncoderOutputs =
        [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown];
    private static readonly string[] ScoreInputs =
        [TableScoreGraph.Features, TableScoreGraph.Observed, TableScoreGraph.Unknown, TableScoreGraph.Mu, TableScoreGraph.LogVar, TableScoreGraph.Logits];
    private static readonly string[] ScoreOutputs = [VaeScoreParts.Score, VaeScoreParts.Reconstruction, VaeScoreParts.Kl, TableScoreGraph.Contributions];

    /// <summary>Opens the three graphs of <paramref name="model"/>, a table pair without a condition, for blocks of <paramref name="batch"/> rows.</summary>
    public RawTableScorer(VaeModel model, int batch)
    {
        _schema = model.Table ?? throw new ArgumentException($"{model.EncoderPath}: not a table pair", nameof(model));
        if (model.Condition is not null) throw new ArgumentException($"{model.EncoderPath}: a conditional table pair; the raw table scorer measures unconditional ones", nameof(model));
        (_decoderInput, _batch) = (model.DecoderInput, batch);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _encoder = new InferenceSession(model.EncoderPath, options);
        _decoder = new InferenceSession(model.DecoderPath, options);
        _score = new InferenceSession(TableScoreGraph.Build(_schema, model.LatentDim, model.DecoderLogVar, model.PairId), options);
    }

    /// <summary>Scores every row of <paramref name="rows"/> into <paramref name="scores"/> (one per row) and <paramref name="contributions"/> (rows x columns).</summary>
    public void Run(VaeTableRows rows, float[] scores, float[] contributions)
    {
        int columns = _schema.Columns.Count;
        var names = _schema.Columns.Select(c => c.Name).ToArray();
        for (int start = 0; start < rows.Count; start += _batch)
        {
            int count = Math.Min(_batch, rows.Count - start);
            var cells = Cells(rows, start, count);
            try
            {
                using var encoded = _encoder.Run(_run, names, cells, EncoderOutputs);
                using var decoded = _decoder.Run(_run, [_decoderInput], [encoded[0]], [TableGraphNames.Logits]);
                using var scored = _score.Run(_run, ScoreInputs, [encoded[2], encoded[3], encoded[4], encoded[0], encoded[1], decoded[0]], ScoreOutputs);
                scored[0].GetTensorDataAsSpan<float>().CopyTo(scores.AsSpan(start, count));
                scored[3].GetTensorDataAsSpan<float>().CopyTo(contributions.AsSpan(start * columns, count * columns));
            }
            finally
            {
                foreach (var cell in cells) cell.Dispose();
            }
        }
    }

    private OrtValue[] Cells(VaeTableRows rows, int start, int count)
    {
        var values = new OrtValue[_schema.Columns.Count];
        for (int j = 0; j < values.Length; j++)
        {
            if (rows.Columns[j] is float[] numbers)
            {
                values[j] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, numbers.AsMemory(start, count), [count, 1]);
                continue;
            }
            var texts = (string?[])rows.Columns[j];
            values[j] = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [count, 1]);
            for (int i = 0; i < count; i++) values[j].StringTensorSetElementAt((texts[start + i] ?? "").AsSpan(), i);
        }
        return values;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _run.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
        _score.Dispose();
    }
}
