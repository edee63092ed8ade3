using TorchSharp;
using VaeOnnx.Training.Data.Tables;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Evaluation;

/// <summary>
/// Scores table rows with a trained table model, deterministically (z = mu): each column's contribution is its likelihood
/// term (value term masked where the cell is blank, plus the missing-value indicator's term) plus
/// <see cref="VaeOnnx.Contract.TableSchema.UnknownCost"/> where the cell holds a value training never had. The export
/// calibrates the anomaly threshold with these scores; the pair's score graph computes the same in ONNX Runtime.
/// </summary>
public static class TableScorer
{
    /// <summary>Scores <paramref name="features"/> (rows featurised with the model's schema).</summary>
    public static TableRowScores Score(VariationalAutoencoder model, TableFeatures features, int batchSize = 2000)
    {
        var columns = model.Columns ?? throw new ArgumentException("not a table model: it has no column schema");
        var schema = model.Table!;
        int n = features.Rows, d = schema.FeatureCount, c = columns.Columns;
        var (score, recon, kl, contributions) = (new double[n], new double[n], new double[n], new double[(long)n * c]);
        model.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int rows = Math.Min(batchSize, n - start);
            var x = tensor(features.Features.AsSpan(start * d, rows * d).ToArray(), [rows, d]);
            var (mu, logvar) = model.encoder.forward(x);
            var observed = tensor(features.Observed.AsSpan(start * c, rows * c).ToArray(), [rows, c]);
            var perColumn = columns.PerColumn(model.decoder.forward(mu), x, model.decoder_logvar, observed).to_type(ScalarType.Float64).data<double>().ToArray();
            var klRows = ElboLoss.KlToStandardNormal(mu, logvar).to_type(ScalarType.Float64).data<double>().ToArray();
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int j = 0; j < c; j++)
                {
                    double value = perColumn[r * c + j] + features.Unknown[(start + r) * c + j] * schema.UnknownCost;
                    contributions[(start + r) * c + j] = value;
                    sum += value;
                }
                (recon[start + r], kl[start + r]) = (sum, klRows[r]);
                score[start + r] = sum + klRows[r];
            }
        }
        return new TableRowScores(score, recon, kl, contributions);
    }
}
