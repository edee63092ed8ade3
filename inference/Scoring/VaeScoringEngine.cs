using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The one scoring engine of a loaded pair: the ONNX Runtime sessions a stage needs, run on blocks of rows held in
/// <see cref="ScoringBuffers"/> (one call per graph per block; a single row is a block of one). The ML.NET transformers
/// (whole data views and <c>PredictionEngine</c> rows) and <see cref="Serving.VaePairScorer"/> all score through it.
/// Run may be called from many threads at once, each with its own buffers: ONNX Runtime allows concurrent runs of a session.
/// </summary>
internal sealed class VaeScoringEngine : IDisposable
{
    private static readonly string[] ScoreInputs = [AnomalyScoreGraph.X, AnomalyScoreGraph.Mu, AnomalyScoreGraph.LogVar, AnomalyScoreGraph.XHat];
    private static readonly string[] ScoreOutputs = [.. VaeScoreParts.All];
    private static readonly string[] TableEncoderOutputs = [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown];
    private static readonly string[] TableScoreInputs =
        [TableScoreGraph.Features, TableScoreGraph.Observed, TableScoreGraph.Unknown, TableScoreGraph.Mu, TableScoreGraph.LogVar, TableScoreGraph.Logits];
    private static readonly string[] TableScoreOutputs = [VaeScoreParts.Score, VaeScoreParts.Reconstruction, VaeScoreParts.Kl, TableScoreGraph.Contributions];
    private readonly string[] _tableInputs = [];
    private readonly InferenceSession? _encoder, _decoder, _score;
    private readonly RunOptions _runOptions = new();
    private readonly ConcurrentBag<ScoringBuffers> _pool = new();
    private readonly int _poolLimit = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>Opens the sessions <paramref name="stage"/> needs.</summary>
    public VaeScoringEngine(VaeModel model, ScoringStage stage)
    {
        Model = model;
        Stage = stage;
        // Several sessions take turns on the same cores: their threads must not spin while another one works.
        var options = stage is ScoringStage.Reconstruct or ScoringStage.AnomalyScore or ScoringStage.TableScore ? model.Options with { AllowSpinning = false } : model.Options;
        if (model.IsTable ? stage is not (ScoringStage.TableScore or ScoringStage.Decode) : stage == ScoringStage.TableScore)
            throw new ArgumentException(model.IsTable
                ? $"{model.EncoderPath}: a table pair takes typed columns; score it with VaeTableScore (or decode latents with VaeDecode)"
                : $"{model.EncoderPath}: not a table pair; VaeTableScore scores pairs exported from table models");
        try
        {
            if (stage != ScoringStage.Decode) _encoder = model.CreateSession(GraphRole.Encoder, options);
            if (stage != ScoringStage.Encode) _decoder = model.CreateSession(GraphRole.Decoder, options);
            if (stage is ScoringStage.AnomalyScore or ScoringStage.TableScore)
            {
                using var sessionOptions = options.CreateSessionOptions(out _);
                _score = new InferenceSession(stage == ScoringStage.TableScore ? TableScoreGraph.Build(model) : AnomalyScoreGraph.Build(model), sessionOptions);
                if (stage == ScoringStage.TableScore) _tableInputs = model.Table!.Columns.Select(c => c.Name).ToArray();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The pair.</summary>
    public VaeModel Model { get; }

    /// <summary>The widest stage the sessions allow.</summary>
    public ScoringStage Stage { get; }

    /// <summary>Values per input row of <paramref name="stage"/>: L for decoding, else D.</summary>
    public int InputWidth(ScoringStage stage) => stage == ScoringStage.Decode ? Model.LatentDim : Model.InputDim;

    /// <summary>Where the input rows of <paramref name="stage"/> go: z into <see cref="ScoringBuffers.Mu"/>, x into <see cref="ScoringBuffers.Input"/>.</summary>
    public static float[] InputSlot(ScoringBuffers buffers, ScoringStage stage) => stage == ScoringStage.Decode ? buffers.Mu : buffers.Input;

    /// <summary>Buffers for blocks of <paramref name="blockSize"/> rows: reused from an earlier caller when one was returned.</summary>
    public ScoringBuffers RentBuffers(int blockSize)
    {
        while (_pool.TryTake(out var buffers))
        {
            if (buffers.BlockSize == blockSize) return buffers;
            buffers.Dispose();
        }
        return new ScoringBuffers(Stage, Model.InputDim, Model.LatentDim, blockSize, Model.Table);
    }

    /// <summary>Gives buffers back for the next caller (megabytes of arrays are then allocated once per engine, not per pass).</summary>
    public void ReturnBuffers(ScoringBuffers buffers)
    {
        // Enough sets for the callers that run at once; more would only hold memory.
        if (_pool.Count < _poolLimit) _pool.Add(buffers);
        else buffers.Dispose();
    }

    /// <summary>Scores the first <paramref name="rows"/> rows held in <paramref name="buffers"/> up to <paramref name="stage"/>.</summary>
    public void Run(ScoringBuffers buffers, int rows, ScoringStage stage)
    {
        if (!Covers(stage)) throw new InvalidOperationException($"this engine was opened for {Stage}, not {stage}");
        int d = Model.InputDim, l = Model.LatentDim;
        var made = new List<OrtValue>(rows == buffers.BlockSize ? 0 : 9);
        try
        {
            var mu = buffers.Tensor(buffers.Mu, l, rows, made);
            if (stage == ScoringStage.TableScore)
            {
                RunTable(buffers, rows, mu, made);
                return;
            }
            if (stage == ScoringStage.Decode)
            {
                _decoder!.Run(_runOptions, [Model.DecoderInput], [mu], [Model.DecoderOutput], [buffers.Tensor(buffers.XHat, d, rows, made)]);
                return;
            }
            var x = buffers.Tensor(buffers.Input, d, rows, made);
            var logvar = buffers.Tensor(buffers.LogVar, l, rows, made);
            _encoder!.Run(_runOptions, [Model.EncoderInput], [x], [Model.EncoderMu, Model.EncoderLogVar], [mu, logvar]);
            if (stage == ScoringStage.Encode) return;
            var xHat = buffers.Tensor(buffers.XHat, d, rows, made);
            _decoder!.Run(_runOptions, [Model.DecoderInput], [mu], [Model.DecoderOutput], [xHat]);
            if (stage == ScoringStage.Reconstruct) return;
            _score!.Run(_runOptions, ScoreInputs, [x, mu, logvar, xHat], ScoreOutputs,
                [buffers.Tensor(buffers.Score, 0, rows, made), buffers.Tensor(buffers.Reconstruction, 0, rows, made),
                 buffers.Tensor(buffers.Kl, 0, rows, made), buffers.Tensor(buffers.SquaredError, 0, rows, made)]);
        }
        finally
        {
            foreach (var value in made) value.Dispose();
        }
    }

    /// <summary>Table pairs: encoder on the block's typed columns, decoder of mu to logits, table score graph.</summary>
    private void RunTable(ScoringBuffers buffers, int rows, OrtValue mu, List<OrtValue> made)
    {
        int d = Model.InputDim, l = Model.LatentDim, c = _tableInputs.Length;
        var columns = new OrtValue[c];
        for (int j = 0; j < c; j++)
        {
            var cells = buffers.TableColumns[j];
            if (cells is float[] numbers) columns[j] = buffers.Tensor(numbers, 1, rows, made);
            else
            {
                columns[j] = Loading.TableInputValues.Strings((string?[])cells, rows);
                made.Add(columns[j]);
            }
        }
        var features = buffers.Tensor(buffers.Input, d, rows, made);
        var logvar = buffers.Tensor(buffers.LogVar, l, rows, made);
        var observed = buffers.Tensor(buffers.Observed, c, rows, made);
        var unknown = buffers.Tensor(buffers.Unknown, c, rows, made);
        _encoder!.Run(_runOptions, _tableInputs, columns, TableEncoderOutputs, [mu, logvar, features, observed, unknown]);
        var logits = buffers.Tensor(buffers.XHat, d, rows, made);
        _decoder!.Run(_runOptions, [TableGraphNames.Z], [mu], [TableGraphNames.Logits], [logits]);
        _score!.Run(_runOptions, TableScoreInputs, [features, observed, unknown, mu, logvar, logits], TableScoreOutputs,
            [buffers.Tensor(buffers.Score, 0, rows, made), buffers.Tensor(buffers.Reconstruction, 0, rows, made),
             buffers.Tensor(buffers.Kl, 0, rows, made), buffers.Tensor(buffers.Contributions, c, rows, made)]);
    }

    private bool Covers(ScoringStage stage) => Stage == stage || Stage == ScoringStage.AnomalyScore || (Stage == ScoringStage.TableScore && stage == ScoringStage.Decode)
        || (Stage == ScoringStage.Reconstruct && stage is ScoringStage.Encode or ScoringStage.Decode);

    /// <inheritdoc />
    public void Dispose()
    {
        while (_pool.TryTake(out var buffers)) buffers.Dispose();
        _encoder?.Dispose();
        _decoder?.Dispose();
        _score?.Dispose();
        _runOptions.Dispose();
    }
}
