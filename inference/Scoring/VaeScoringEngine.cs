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
        var options = stage is ScoringStage.Reconstruct or ScoringStage.AnomalyScore ? model.Options with { AllowSpinning = false } : model.Options;
        try
        {
            if (stage != ScoringStage.Decode) _encoder = model.CreateSession(GraphRole.Encoder, options);
            if (stage != ScoringStage.Encode) _decoder = model.CreateSession(GraphRole.Decoder, options);
            if (stage == ScoringStage.AnomalyScore)
            {
                using var sessionOptions = options.CreateSessionOptions(out _);
                _score = new InferenceSession(AnomalyScoreGraph.Build(model), sessionOptions);
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
        return new ScoringBuffers(Stage, Model.InputDim, Model.LatentDim, blockSize);
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

    private bool Covers(ScoringStage stage) => Stage == stage || Stage == ScoringStage.AnomalyScore
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
