using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Contract;
using VaeOnnx.Tables;

namespace VaeOnnx.Export;

/// <summary>Everything besides the weights that goes into a model pair: scaling baked into the graphs and the facts for metadata.</summary>
/// <param name="Scaling">Input scaling, applied inside the encoder graph and inverted at the end of the decoder graph.</param>
/// <param name="Dataset">What the model was trained on.</param>
/// <param name="Evaluation">Held-out figures, when known.</param>
/// <param name="TrainingConfigJson">Training configuration as JSON, for metadata.</param>
/// <param name="TrainingCommand">The command that reproduces the model, when known.</param>
/// <param name="LatentMixture">A Gaussian mixture fitted to the training codes, stored in the pair for sampling; null for none.</param>
/// <param name="HeldOutRows">Table models: raw rows of the training file the weights never saw, which calibrate the anomaly threshold and feed the parity check.</param>
/// <param name="FalseAlarmRate">Table models: the fraction of ordinary rows the calibrated threshold may flag.</param>
public sealed record ExportDescription(FeatureScaling Scaling, DatasetDescription Dataset, EvaluationSummary? Evaluation,
    string TrainingConfigJson, string? TrainingCommand = null, LatentMixture? LatentMixture = null, RawTable? HeldOutRows = null,
    double FalseAlarmRate = 0.01);
