using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Quality;

/// <summary>
/// The sample-quality figures of a pair: draws from a sampler decoded through the ML.NET chain (<c>VaeDecode</c>), their
/// Fréchet distance to real images in the feature space of a <see cref="QualityClassifier"/>, and for a conditional pair
/// the fraction of draws the classifier assigns to their condition (conditions in turn, so that every class gets the same
/// number of draws).
/// </summary>
public static class SampleQuality
{
    /// <summary>Measures <paramref name="model"/>'s <paramref name="count"/> draws of <paramref name="sampler"/> against <paramref name="realImages"/> (row-major pixels).</summary>
    public static SampleQualityResult Measure(VaeModel model, QualityClassifier classifier, ReadOnlySpan<float> realImages, LatentSampler sampler, int count, int seed)
    {
        if (model.InputDim != classifier.InputDim)
            throw new ArgumentException($"{model.EncoderPath}: the model makes images of {model.InputDim} pixels; the classifier {classifier.Path} takes {classifier.InputDim}");
        var images = Generate(model, sampler, count, seed);
        var (generated, predicted) = classifier.Run(images);
        var (real, _) = classifier.Run(realImages);
        double? accuracy = null;
        if (model.Condition is { } condition)
        {
            // The classifier's class of each condition value, by name (a conditional model may order them its own way).
            var classOf = condition.Classes.Select(name => classifier.Classes.ToList().IndexOf(name)).ToArray();
            if (classOf.Any(c => c < 0))
                throw new ArgumentException($"{model.EncoderPath}: condition values {string.Join(", ", condition.Classes.Where((_, i) => classOf[i] < 0))} are not classes of {classifier.Path}");
            accuracy = (double)Enumerable.Range(0, count).Count(r => predicted[r] == classOf[r % condition.Dim]) / count;
        }
        return new SampleQualityResult(FrechetDistance.Compute(generated, real, classifier.FeatureDim), accuracy, count, realImages.Length / classifier.InputDim);
    }

    /// <summary>Decodes <paramref name="count"/> draws of <paramref name="sampler"/> (conditions in turn) through <c>VaeDecode</c>; row-major pixels.</summary>
    public static float[] Generate(VaeModel model, LatentSampler sampler, int count, int seed)
    {
        var ml = new MLContext(seed);
        var draws = model.Sample(ml, count, seed, sampler, "Z");
        using var decoder = ml.Transforms.VaeDecode(model, "Z", "Image").Fit(draws);
        var images = new float[(long)count * model.InputDim];
        int row = 0;
        foreach (var image in decoder.Transform(draws).GetColumn<VBuffer<float>>("Image"))
            image.DenseValues().ToArray().CopyTo(images, (long)row++ * model.InputDim);
        return images;
    }
}
