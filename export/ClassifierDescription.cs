namespace VaeOnnx.Export;

/// <summary>The facts written into a classifier's metadata.</summary>
/// <param name="Dataset">Data set trained on.</param>
/// <param name="Classes">Class names by index.</param>
/// <param name="TestAccuracy">Accuracy on the test split.</param>
/// <param name="TestRows">Test images measured.</param>
/// <param name="TrainingCommand">The command that trained it.</param>
public sealed record ClassifierDescription(string Dataset, IReadOnlyList<string> Classes, double TestAccuracy, int TestRows, string TrainingCommand);
