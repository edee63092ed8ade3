using Microsoft.ML.Transforms;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Turns the saved table score graph's one-element vectors into single values. Like <see cref="VaeScoreScalarMapping"/>
/// it is an ML.NET custom mapping saved by contract name: call <see cref="VaeModel.Register"/> before loading a saved
/// chain with a table score.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class VaeTableScoreScalarMapping : CustomMappingFactory<VaeTableScoreVectors, VaeTableScoreScalars>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "VaeOnnx.TableScoreScalars";

    /// <summary>The mapping itself.</summary>
    public static void Map(VaeTableScoreVectors input, VaeTableScoreScalars output)
    {
        output.Score = input.Score[0];
        output.Reconstruction = input.Reconstruction[0];
        output.Kl = input.Kl[0];
        output.IsAnomaly = input.IsAnomaly[0];
    }

    /// <inheritdoc />
    public override Action<VaeTableScoreVectors, VaeTableScoreScalars> GetMapping() => Map;
}
