using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;

namespace VaeOnnx.Tests.Serving;

/// <summary>What the in-process <c>VaeTableScore</c> transform gives for some rows: the numbers the service must answer.</summary>
internal sealed record TableScores(string PairId, float[] Score, float[] Recon, float[] Kl, bool[] IsAnomaly, float[][] Contributions)
{
    public static TableScores Of(string folder, Func<VaeModel, VaeTableRows> rows)
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(folder);
        var view = rows(model).ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        var scored = transformer.Transform(view);
        float[] Part(string column) => scored.GetColumn<float>(column).ToArray();
        return new TableScores(model.PairId, Part("Score"), Part("Score_recon"), Part("Score_kl"), scored.GetColumn<bool>("IsAnomaly").ToArray(),
            scored.GetColumn<VBuffer<float>>("Score_contrib").Select(v => v.DenseValues().ToArray()).ToArray());
    }

    /// <summary>Whether <paramref name="actual"/> is within 1e-5 (relative above 1) of <paramref name="expected"/>.</summary>
    public static bool Near(double expected, double actual) => Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected));
}
