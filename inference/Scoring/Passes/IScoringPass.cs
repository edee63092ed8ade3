namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// One way of scoring blocks of rows through a loaded pair (encode, decode, reconstruct, anomaly score, table score,
/// posterior sample): the pass owns the ONNX Runtime sessions it runs, the buffers its blocks are bound to and the values
/// it writes. The ML.NET transformers (block cursors and <c>PredictionEngine</c> rows) score through it.
/// <see cref="Run"/> may be called from many threads at once, each with its own buffers: ONNX Runtime allows concurrent
/// runs of a session.
/// </summary>
internal interface IScoringPass : IDisposable
{
    /// <summary>The pair.</summary>
    VaeModel Model { get; }

    /// <summary>Values per input row: D for the passes that read x, L for decoding.</summary>
    int InputWidth { get; }

    /// <summary>Where the input rows go in <paramref name="buffers"/>: x into <see cref="ScoringBuffers.Input"/>, z into <see cref="ScoringBuffers.Mu"/>.</summary>
    float[] InputOf(ScoringBuffers buffers);

    /// <summary>Buffers for blocks of <paramref name="blockSize"/> rows: reused from an earlier caller when one was returned.</summary>
    ScoringBuffers RentBuffers(int blockSize);

    /// <summary>Gives buffers back for the next caller.</summary>
    void ReturnBuffers(ScoringBuffers buffers);

    /// <summary>Scores the first <paramref name="rows"/> rows held in <paramref name="buffers"/>, one call per graph.</summary>
    void Run(ScoringBuffers buffers, int rows);
}
