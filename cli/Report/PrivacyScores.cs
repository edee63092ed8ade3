namespace VaeOnnx.Cli.Report;

/// <summary>The distance-to-closest-record figures of a report (<see cref="RecordDistances"/>).</summary>
/// <param name="SyntheticRows">Synthetic rows compared.</param>
/// <param name="TrainingRows">Training rows compared against.</param>
/// <param name="HoldoutRows">Holdout rows compared against (0 without a holdout).</param>
/// <param name="ExactCopies">Synthetic rows equal to a training row in every feature column.</param>
/// <param name="MedianDistance">Median distance of a synthetic row to its closest training row (0 to 1).</param>
/// <param name="CloserToTraining">Share of synthetic rows closer to the training rows than to the holdout (about 0.5 is ideal); null without a holdout.</param>
public sealed record PrivacyScores(int SyntheticRows, int TrainingRows, int HoldoutRows, int ExactCopies, double MedianDistance, double? CloserToTraining);
