namespace VaeOnnx.Training.Data;

/// <summary>A CSV file read as a data set, with the class names of its label column when it has one.</summary>
/// <param name="Data">Feature rows (with <see cref="VaeDataset.FeatureNames"/>) and labels.</param>
/// <param name="ClassNames">Label values in order of class index, or null without a label column.</param>
public sealed record CsvTable(VaeDataset Data, IReadOnlyList<string>? ClassNames);
