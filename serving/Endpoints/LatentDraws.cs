using VaeOnnx.Contract;
using VaeOnnx.Inference;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>
/// The codes /sample decodes, as a block of latent rows: from the prior N(0, I), in the order and with the generator of
/// <see cref="VaeModel.SamplePrior"/>, or from the Gaussian mixture the pair stores (for a conditional pair, each draw
/// from its condition's components), as <see cref="VaeModel.Sample"/> draws; so a seed gives the same codes here and in-process.
/// </summary>
internal static class LatentDraws
{
    /// <summary>The draws of <paramref name="request"/> for <paramref name="model"/>; <paramref name="classes"/> are the rows' condition classes, if any.</summary>
    public static RowBlock Draw(VaeModel model, SampleRequest request, int[]? classes)
    {
        int count = request.Count, dim = model.LatentDim;
        if (request.Sampler == LatentSampler.Prior)
        {
            var random = new Random(request.Seed);
            var values = new float[count * dim];
            for (int i = 0; i < values.Length; i++) values[i] = (float)VaeModel.StandardNormal(random);
            return new RowBlock(values, count, dim);
        }
        var mixture = model.LatentMixture
            ?? throw new BadRequestException($"pair {model.PairId} stores no latent mixture; export it with --latent-mixture to draw with \"sampler\": \"gmm\", or use \"prior\"");
        return new RowBlock(classes is null ? mixture.Draw(count, request.Seed) : mixture.DrawFor(classes, request.Seed), count, dim);
    }
}
