using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// The noise of <see cref="LatentNoise"/> for a row's mu, logvar and seed, as a saved chain computes it before running a
/// flow posterior's encoder on it (the scoring engine computes the same). Saved by contract name; see <see cref="VaeModel.Register"/>.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class VaeLatentNoiseMapping : CustomMappingFactory<VaeLatentSampleInput, VaeLatentNoise>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "VaeOnnx.LatentNoise";

    /// <summary>The mapping itself.</summary>
    public static void Map(VaeLatentSampleInput input, VaeLatentNoise output)
    {
        var mu = input.Mu.DenseValues().ToArray();
        var logvar = input.LogVar.DenseValues().ToArray();
        Span<double> eps = stackalloc double[mu.Length];
        LatentNoise.Draw((int)input.Seed[0], mu, logvar, eps);
        var values = new float[mu.Length];
        for (int j = 0; j < values.Length; j++) values[j] = (float)eps[j];
        output.Eps = values;
    }

    /// <summary>The output column as a vector of <paramref name="latentDim"/> floats, the size the encoder's noise input needs.</summary>
    public static SchemaDefinition Schema(int latentDim)
    {
        var schema = SchemaDefinition.Create(typeof(VaeLatentNoise));
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, latentDim);
        return schema;
    }

    /// <inheritdoc />
    public override Action<VaeLatentSampleInput, VaeLatentNoise> GetMapping() => Map;
}
