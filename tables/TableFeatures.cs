using VaeOnnx.Contract;
namespace VaeOnnx.Tables;

/// <summary>Rows of a table in the model's feature space, with which cells count in the likelihood.</summary>
/// <param name="Features">Row-major features, rows x <see cref="TableSchema.FeatureCount"/>.</param>
/// <param name="Observed">Row-major rows x columns: 1 where the cell holds a known value whose likelihood term counts.</param>
/// <param name="Unknown">Row-major rows x columns: 1 where the cell holds a value the training rows never had (costs <see cref="TableSchema.UnknownCost"/>).</param>
/// <param name="Rows">Number of rows.</param>
public sealed record TableFeatures(float[] Features, float[] Observed, float[] Unknown, int Rows);
