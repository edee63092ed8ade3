using VaeOnnx.Inference;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>Draws from the prior N(0, I) as a block of latent rows: the same generator, in the same order, as <see cref="VaeModel.SamplePrior"/>, so a seed gives the same draws here and in-process.</summary>
internal static class PriorDraws
{
    public static RowBlock Draw(int latentDim, int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count * latentDim];
        for (int i = 0; i < values.Length; i++) values[i] = (float)VaeModel.StandardNormal(random);
        return new RowBlock(values, count, latentDim);
    }
}
