namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// The scored values of a run of rows, read through one cursor into one row-major array, so that scoring a block and
/// writing it can run on different threads (<see cref="ScoredCsvWriter.ReadBlock"/>, <see cref="ScoredCsvWriter.WriteBlock"/>).
/// Each row holds the slots of every <see cref="ScoredCsvColumn"/> in order; a Boolean column's slot holds 1 or 0.
/// </summary>
/// <param name="Values">Rows x slots, row-major.</param>
/// <param name="Rows">How many rows.</param>
/// <param name="Flags">Per slot, whether it is a Boolean column (written true/false) rather than a number.</param>
public sealed record ScoredBlock(float[] Values, int Rows, IReadOnlyList<bool> Flags)
{
    /// <summary>Slots per row.</summary>
    public int Width => Flags.Count;
}
