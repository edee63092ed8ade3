using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Thread-safe direct scoring of one model pair with ONNX Runtime sessions (a session's Run may be called from many
/// threads at once). It runs the same anomaly-score graph as the ML.NET chain, so both give the same figures.
/// Reference counted: <see cref="VaeModelProvider"/> hands out leases, and the sessions are disposed when the last
/// lease of a replaced pair ends.
/// </summary>
public sealed class VaePairScorer : IDisposable
{
    private const string X = "x", Mu = "mu", LogVar = "logvar", XHat = "x_hat";
    private readonly InferenceSession _encoder, _decoder, _score;
    private int _references = 1;

    /// <summary>Opens the sessions of <paramref name="model"/>.</summary>
    public VaePairScorer(VaeModel model)
    {
        Model = model;
        _encoder = model.CreateSession(model.EncoderPath);
        try
        {
            _decoder = model.CreateSession(model.DecoderPath);
            using var options = model.Options.CreateSessionOptions(out _);
            _score = new InferenceSession(VaeScoringGraphs.AnomalyScore(model, X, Mu, LogVar, XHat, "score", "recon", "kl", "sqerr"), options);
        }
        catch
        {
            _encoder.Dispose();
            _decoder?.Dispose();
            throw;
        }
    }

    /// <summary>The pair scored.</summary>
    public VaeModel Model { get; }

    /// <summary>True once the sessions are disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) <= 0;

    /// <summary>Posterior mean and log-variance of one row of raw features.</summary>
    public (float[] Mu, float[] LogVar) Encode(float[] x)
    {
        CheckLength(x, Model.InputDim, "x");
        using var input = OrtValue.CreateTensorValueFromMemory(x, [1, Model.InputDim]);
        using var outputs = _encoder.Run(new RunOptions(), [Model.EncoderInput], [input], [Model.EncoderMu, Model.EncoderLogVar]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>Decoder output for one latent vector.</summary>
    public float[] Decode(float[] z)
    {
        CheckLength(z, Model.LatentDim, "z");
        using var input = OrtValue.CreateTensorValueFromMemory(z, [1, Model.LatentDim]);
        using var outputs = _decoder.Run(new RunOptions(), [Model.DecoderInput], [input], [Model.DecoderOutput]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Anomaly score of one row of raw features.</summary>
    public VaeScore Score(float[] x)
    {
        var (mu, logvar) = Encode(x);
        var xHat = Decode(mu);
        using var xv = OrtValue.CreateTensorValueFromMemory(x, [1, Model.InputDim]);
        using var muv = OrtValue.CreateTensorValueFromMemory(mu, [1, Model.LatentDim]);
        using var lvv = OrtValue.CreateTensorValueFromMemory(logvar, [1, Model.LatentDim]);
        using var xhv = OrtValue.CreateTensorValueFromMemory(xHat, [1, Model.InputDim]);
        using var outputs = _score.Run(new RunOptions(), [X, Mu, LogVar, XHat], [xv, muv, lvv, xhv], ["score", "recon", "kl", "sqerr"]);
        return new VaeScore(outputs[0].GetTensorDataAsSpan<float>()[0], outputs[1].GetTensorDataAsSpan<float>()[0],
            outputs[2].GetTensorDataAsSpan<float>()[0], outputs[3].GetTensorDataAsSpan<float>()[0], Model.PairId);
    }

    /// <summary>Takes a reference; false when the scorer is already disposed.</summary>
    internal bool TryAddReference()
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return true;
        }
    }

    /// <summary>Drops a reference; the last one disposes the sessions.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _encoder.Dispose();
            _decoder.Dispose();
            _score.Dispose();
        }
    }

    /// <summary>Drops the owner's reference (sessions close when no lease holds them).</summary>
    public void Dispose() => Release();

    private static void CheckLength(float[] values, int expected, string name)
    {
        if (values.Length != expected) throw new ArgumentException($"{name} has {values.Length} values; the model expects {expected}");
    }
}
