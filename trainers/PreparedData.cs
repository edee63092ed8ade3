using VaeOnnx.Contract;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Trainers;

/// <summary>What a fit trains on, and the raw rows it held out to calibrate the threshold on.</summary>
/// <param name="Data">The training and held-out splits in the model's space.</param>
/// <param name="Architecture">The model to train.</param>
/// <param name="HeldOutTable">Table models: the held-out rows as text cells (the exporter calibrates on them).</param>
/// <param name="HeldOutRows">Plain models: the held-out rows, row-major raw floats.</param>
internal sealed record PreparedData(TrainingData Data, VaeArchitecture Architecture, RawTable? HeldOutTable, float[]? HeldOutRows);
