using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>An output column of a scoring transformer: its name, the value it serves and its declared type.</summary>
internal sealed record ScoredColumn(string Name, ScoredValue Value, DataViewType Type);
