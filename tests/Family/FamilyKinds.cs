using VaeOnnx.Tests.Training;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Family;

/// <summary>
/// The models of the VAE family on the 32-feature synthetic prototypes (label = prototype): a conditional VAE, an IAF
/// posterior, importance-weighted training, and all three at once; small enough to train in seconds.
/// </summary>
internal static class FamilyKinds
{
    public static readonly ConditionSpec Condition = new() { Column = "label", Classes = ["a", "b", "c", "d"] };

    public static readonly VaeArchitecture Plain = new() { InputShape = [32], Hidden = [24], LatentDim = 3 };

    public static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 64, LearningRate = 3e-3, Seed = 7, Threads = 1 };

    /// <summary>The architecture and training options of a kind: "vae", "cvae", "iaf", "iwae" or "all".</summary>
    public static (VaeArchitecture Architecture, TrainingOptions Options) Of(string kind) => kind switch
    {
        "vae" => (Plain, Options),
        "cvae" => (Plain with { Condition = Condition }, Options),
        "iaf" => (Plain with { Posterior = PosteriorKind.Iaf, FlowSteps = 2, FlowHidden = 16 }, Options),
        "iwae" => (Plain, Options with { Objective = TrainingObjective.Iwae, IwTrainSamples = 4 }),
        "all" => (Plain with { Condition = Condition, Posterior = PosteriorKind.Iaf, FlowSteps = 2, FlowHidden = 16 },
            Options with { Objective = TrainingObjective.Iwae, IwTrainSamples = 3 }),
        _ => throw new ArgumentException(kind),
    };

    /// <summary>Synthetic train/test rows with the prototype as label and class names for a condition.</summary>
    public static TrainingData Data(int trainRows = 600, int testRows = 200)
    {
        var data = SyntheticData.Split(trainRows, testRows);
        return data with { Dataset = data.Dataset with { ClassNames = Condition.Classes } };
    }
}
