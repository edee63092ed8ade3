using VaeOnnx.Contract;

namespace VaeOnnx.Training.Trainer;

/// <summary>What a table model learns from its rows before training: the column schema, the condition and the class names.</summary>
/// <param name="Schema">The columns' kinds and statistics.</param>
/// <param name="Condition">The condition of a conditional model; null otherwise.</param>
/// <param name="Classes">The classes of the label or condition column; null without one.</param>
internal sealed record TableFit(TableSchema Schema, ConditionSpec? Condition, IReadOnlyList<string>? Classes);
