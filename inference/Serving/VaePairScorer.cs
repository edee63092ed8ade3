using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Thread-safe scoring of single rows of one model pair, through the same scoring engine as the ML.NET transformers, so
/// both give the same figures. Reference counted: <see cref="VaeModelProvider"/> hands out leases, and the sessions are
/// disposed when the last lease of a replaced pair ends.
/// </summary>
public sealed class VaePairScorer : IDisposable, ISwappable
{
    private readonly VaeScoringEngine _engine;
    private readonly ReferenceCount _references = new();

    /// <summary>Opens the sessions of <paramref name="model"/>.</summary>
    public VaePairScorer(VaeModel model)
    {
        Model = model;
        _engine = new VaeScoringEngine(model, ScoringStage.AnomalyScore);
    }

    /// <summary>The pair scored.</summary>
    public VaeModel Model { get; }

    /// <summary>True once the sessions are disposed.</summary>
    public bool IsDisposed => _references.IsReleased;

    /// <summary>Posterior mean and log-variance of one row of raw features.</summary>
    public (float[] Mu, float[] LogVar) Encode(float[] x) =>
        Run(x, Model.InputDim, "x", ScoringStage.Encode, b => (b.Mu.AsSpan(0, Model.LatentDim).ToArray(), b.LogVar.AsSpan(0, Model.LatentDim).ToArray()));

    /// <summary>Decoder output for one latent vector.</summary>
    public float[] Decode(float[] z) => Run(z, Model.LatentDim, "z", ScoringStage.Decode, b => b.XHat.AsSpan(0, Model.InputDim).ToArray());

    /// <summary>Anomaly score of one row of raw features.</summary>
    public VaeScore Score(float[] x) =>
        Run(x, Model.InputDim, "x", ScoringStage.AnomalyScore, b => new VaeScore(b.Score[0], b.Reconstruction[0], b.Kl[0], b.SquaredError[0], Model.PairId));

    private T Run<T>(float[] values, int expected, string name, ScoringStage stage, Func<ScoringBuffers, T> read)
    {
        if (values.Length != expected) throw new ArgumentException($"{name} has {values.Length} values; the model expects {expected}");
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var buffers = _engine.RentBuffers(1);
        try
        {
            values.CopyTo(VaeScoringEngine.InputSlot(buffers, stage), 0);
            _engine.Run(buffers, 1, stage);
            return read(buffers);
        }
        finally
        {
            _engine.ReturnBuffers(buffers);
        }
    }

    /// <summary>Takes a reference; false when the scorer is already disposed.</summary>
    internal bool TryAddReference() => _references.TryAdd();

    /// <summary>Drops a reference; the last one disposes the sessions.</summary>
    internal void Release()
    {
        if (_references.Release()) _engine.Dispose();
    }

    bool ISwappable.TryAddReference() => TryAddReference();

    void ISwappable.Release() => Release();

    /// <summary>Drops the owner's reference (sessions close when no lease holds them).</summary>
    public void Dispose() => Release();
}
