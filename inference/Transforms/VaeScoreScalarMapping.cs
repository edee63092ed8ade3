using Microsoft.ML.Transforms;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Turns the anomaly graph's one-element vectors into float columns. It is an ML.NET custom mapping, saved by contract
/// name: an application that loads a saved chain with an anomaly score first calls
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(VaeModel).Assembly)</c> (or <see cref="VaeModel.Register"/>).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class VaeScoreScalarMapping : CustomMappingFactory<VaeScoreVectors, VaeScoreScalars>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "VaeOnnx.AnomalyScoreScalars";

    /// <summary>The mapping itself.</summary>
    public static void Map(VaeScoreVectors input, VaeScoreScalars output)
    {
        output.Score = input.Score[0];
        output.Reconstruction = input.Reconstruction[0];
        output.Kl = input.Kl[0];
        output.SquaredError = input.SquaredError[0];
    }

    /// <inheritdoc />
    public override Action<VaeScoreVectors, VaeScoreScalars> GetMapping() => Map;
}
