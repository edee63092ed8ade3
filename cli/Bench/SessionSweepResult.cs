namespace VaeOnnx.Cli.Bench;

/// <summary>What one sweep point measured on the encoder.</summary>
/// <param name="Point">The session options.</param>
/// <param name="ChainRowsPerSecond">Rows/s of the VaeEncode chain with these options.</param>
/// <param name="RawRowsPerSecond">Rows/s of raw ONNX Runtime with the same session options, one Run per block of rows.</param>
/// <param name="MaxAbsDiff">Largest difference of the chain's posterior means from those of the default options.</param>
public sealed record SessionSweepResult(SessionSweepPoint Point, double ChainRowsPerSecond, double RawRowsPerSecond, double MaxAbsDiff)
{
    /// <summary>Chain rows/s over raw rows/s with the same options: the chain's own overhead at this point.</summary>
    public double ChainVsRaw => ChainRowsPerSecond / RawRowsPerSecond;
}
