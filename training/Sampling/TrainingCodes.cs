using TorchSharp;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Sampling;

/// <summary>
/// The codes of a data set under a trained model: the posterior mean of each row (with its condition for a conditional
/// model), and for a flow posterior the flow of the mean, which is where the decoder's inputs lie.
/// </summary>
public static class TrainingCodes
{
    /// <summary>Codes of <paramref name="data"/> (scaled rows), row-major [rows, L].</summary>
    public static float[] Compute(VariationalAutoencoder model, VaeDataset data, int batchSize = 2000)
    {
        int latent = model.Architecture.LatentDim;
        var codes = new float[(long)data.Rows * latent];
        model.eval();
        using var noGrad = no_grad();
        using var all = VaeEvaluator.AsTensor(data);
        using var labels = model.IsConditional ? VaeEvaluator.LabelTensor(data) : null;
        for (int start = 0; start < data.Rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Rows - start);
            var c = labels is null ? null : VaeEvaluator.OneHot(labels.narrow(0, start, n), model.Architecture.ConditionDim);
            var (mu, logvar, hidden) = model.encoder.Encode(all.narrow(0, start, n), c);
            var z = model.flow is null ? mu : model.SamplePosterior(mu, logvar, hidden, zeros_like(mu)).Z;
            z.contiguous().data<float>().CopyTo(codes.AsSpan(start * latent, n * latent));
        }
        return codes;
    }
}
