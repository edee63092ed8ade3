using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Training;

/// <summary>
/// Small data sets with real structure for trainer tests: rows are noisy copies of a few random binary-ish prototypes,
/// so a VAE has something to learn and its ELBO visibly improves within an epoch.
/// </summary>
internal static class SyntheticData
{
    public static VaeDataset Prototypes(int rows, int features, int seed, int prototypes = 4)
    {
        var random = new Random(seed);
        var protos = new float[prototypes][];
        var protoRandom = new Random(1234);
        for (int p = 0; p < prototypes; p++)
            protos[p] = Enumerable.Range(0, features).Select(_ => protoRandom.NextDouble() < 0.3 ? 0.9f : 0.05f).ToArray();
        var values = new float[rows * features];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int p = random.Next(prototypes);
            labels[r] = p;
            for (int j = 0; j < features; j++)
                values[r * features + j] = Math.Clamp(protos[p][j] + (float)(random.NextDouble() - 0.5) * 0.2f, 0f, 1f);
        }
        return new VaeDataset($"synthetic-{seed}", values, rows, features, labels);
    }

    public static TrainingData Split(int trainRows = 1500, int testRows = 300, int features = 32) => new(
        Prototypes(trainRows, features, 1), null, Prototypes(testRows, features, 2), FeatureScaling.Identity(features),
        new DatasetDescription { Name = "synthetic", Source = "synthetic", TrainRows = trainRows, TestRows = testRows });
}
