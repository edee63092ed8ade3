using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Blocks;

/// <summary>
/// Runs a model pair on blocks of rows: one ONNX Runtime call per graph per block, reading from and writing into
/// buffers the caller owns (so steady-state scoring allocates nothing per row). Sessions are shared by every cursor:
/// ONNX Runtime allows concurrent Run calls on one session.
/// </summary>
public sealed class VaeBlockRunner : IDisposable
{
    private const string ScoreX = "x", ScoreMu = "mu", ScoreLogVar = "logvar", ScoreXHat = "x_hat";
    private static readonly string[] ScoreOutputs = ["score", "recon", "kl", "sqerr"];
    private readonly InferenceSession? _encoder, _decoder, _score;
    private readonly RunOptions _runOptions = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<VaeBlockBuffers> _pool = new();

    /// <summary>Opens the sessions <paramref name="kind"/> needs.</summary>
    public VaeBlockRunner(VaeModel model, VaeBlockKind kind)
    {
        Model = model;
        Kind = kind;
        // Several sessions take turns on the same cores: their threads must not spin while another one works.
        var sessionOptions = kind is VaeBlockKind.Reconstruct or VaeBlockKind.AnomalyScore ? model.Options with { AllowSpinning = false } : model.Options;
        try
        {
            if (kind != VaeBlockKind.Decode) _encoder = model.CreateSession(model.EncoderPath, sessionOptions);
            if (kind != VaeBlockKind.Encode) _decoder = model.CreateSession(model.DecoderPath, sessionOptions);
            if (kind == VaeBlockKind.AnomalyScore)
            {
                using var options = sessionOptions.CreateSessionOptions(out _);
                _score = new InferenceSession(VaeScoringGraphs.AnomalyScore(model, ScoreX, ScoreMu, ScoreLogVar, ScoreXHat, "score", "recon", "kl", "sqerr"), options);
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

    /// <summary>What is computed.</summary>
    public VaeBlockKind Kind { get; }

    /// <summary>Buffers for blocks of <paramref name="blockSize"/> rows: reused from an earlier cursor when one was returned.</summary>
    public VaeBlockBuffers RentBuffers(int blockSize)
    {
        while (_pool.TryTake(out var buffers))
        {
            if (buffers.BlockSize == blockSize) return buffers;
            buffers.Dispose();
        }
        return new VaeBlockBuffers(this, blockSize);
    }

    /// <summary>Gives buffers back for the next cursor (a cursor's megabytes of arrays are then allocated once per transformer, not per pass).</summary>
    public void ReturnBuffers(VaeBlockBuffers buffers)
    {
        // A few sets cover the cursors that run at once; more would only hold memory.
        if (_pool.Count < 4) _pool.Add(buffers);
        else buffers.Dispose();
    }

    /// <summary>Values per input row: D, or L for decoding.</summary>
    public int InputWidth => Kind == VaeBlockKind.Decode ? Model.LatentDim : Model.InputDim;

    /// <summary>Scores <paramref name="rows"/> rows held in <paramref name="buffers"/>.</summary>
    public void Run(VaeBlockBuffers buffers, int rows)
    {
        int d = Model.InputDim, l = Model.LatentDim;
        bool full = rows == buffers.BlockSize;
        var info = OrtMemoryInfo.DefaultInstance;
        var made = new List<OrtValue>(full ? 0 : 9);
        // Full blocks use the values bound once to the buffers; a short last block wraps the same arrays for this call.
        OrtValue Tensor(float[] data, int width)
        {
            if (full) return buffers.Bound(data, width);
            var value = width == 0
                ? OrtValue.CreateTensorValueFromMemory(info, data.AsMemory(0, rows), [rows])
                : OrtValue.CreateTensorValueFromMemory(info, data.AsMemory(0, rows * width), [rows, width]);
            made.Add(value);
            return value;
        }
        try
        {
            if (Kind == VaeBlockKind.Decode)
            {
                _decoder!.Run(_runOptions, [Model.DecoderInput], [Tensor(buffers.Input, l)], [Model.DecoderOutput], [Tensor(buffers.XHat, d)]);
                return;
            }
            var x = Tensor(buffers.Input, d);
            var mu = Tensor(buffers.Mu, l);
            var logvar = Tensor(buffers.LogVar, l);
            _encoder!.Run(_runOptions, [Model.EncoderInput], [x], [Model.EncoderMu, Model.EncoderLogVar], [mu, logvar]);
            if (Kind == VaeBlockKind.Encode) return;
            var xHat = Tensor(buffers.XHat, d);
            _decoder!.Run(_runOptions, [Model.DecoderInput], [mu], [Model.DecoderOutput], [xHat]);
            if (Kind == VaeBlockKind.Reconstruct) return;
            _score!.Run(_runOptions, [ScoreX, ScoreMu, ScoreLogVar, ScoreXHat], [x, mu, logvar, xHat], ScoreOutputs,
                [Tensor(buffers.Score, 0), Tensor(buffers.Reconstruction, 0), Tensor(buffers.Kl, 0), Tensor(buffers.SquaredError, 0)]);
        }
        finally
        {
            foreach (var value in made) value.Dispose();
        }
    }

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
