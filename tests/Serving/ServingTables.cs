using VaeOnnx.Export;
using VaeOnnx.Tests.Tables;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Serving;

/// <summary>
/// Small table pairs for the serving tests, trained once per test run (few epochs: the tests check that the service gives
/// the in-process transform's numbers, not the model's quality): two pairs of the customers table (same schema, other
/// seeds) and one conditioned on the customer segment.
/// </summary>
internal static class ServingTables
{
    private static readonly Lazy<string> CustomersFolder = new(() => Train("customers-a", TableFiles.Customers, null, seed: 1));
    private static readonly Lazy<string> CustomersSecondFolder = new(() => Train("customers-b", TableFiles.Customers, null, seed: 2));
    private static readonly Lazy<string> SegmentsFolder = new(() => Train("segments", TableFiles.SegmentedCustomers, "segment", seed: 1));

    /// <summary>id (ignored), city (Berlin, Paris, Rome), vip (yes/no), age, amount (blank in 10% of rows), visits (integer).</summary>
    public static string Customers => CustomersFolder.Value;

    /// <summary>The customers table trained with another seed: a different pair of the same schema.</summary>
    public static string CustomersSecond => CustomersSecondFolder.Value;

    /// <summary>channel, active, spend, visits, conditioned on segment (bronze, gold, silver); id its recorded id column.</summary>
    public static string Segments => SegmentsFolder.Value;

    private static string Train(string name, Func<string, int, int, string, string> table, string? condition, long seed)
    {
        var folder = RepoPaths.NewTempFolder("serving-" + name);
        // The customers pairs leave the id out; the segments pair records it as its id column (--id-column).
        var read = condition is null ? new TableReadOptions { IgnoreColumns = ["id"] } : new TableReadOptions { IdColumns = ["id"] };
        var source = new DataSourceOptions { Path = table(folder, 600, 1, "rows.csv"), ConditionColumn = condition, Table = read, Seed = 3 };
        var data = TrainingDataLoader.Load(source, Likelihood.Mixed);
        var architecture = new VaeArchitecture
        {
            InputShape = [data.Train.FeatureCount], Hidden = [16], LatentDim = 2, Likelihood = Likelihood.Mixed,
            Condition = condition is null ? null : TrainingDataLoader.Condition(data, condition),
        };
        var checkpoint = Path.Combine(folder, "run");
        var trained = new VaeTrainer(new TrainingOptions { Epochs = 8, BatchSize = 64, LearningRate = 3e-3, Threads = 2, Seed = seed }).Train(architecture, data, checkpoint);
        trained.Model.Dispose();
        var model = Path.Combine(folder, "model");
        VaeOnnxExporter.ExportCheckpoint(checkpoint, model, falseAlarmRate: 0.05);
        return model;
    }
}
