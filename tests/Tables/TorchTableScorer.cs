using TorchSharp;
using VaeOnnx.Tables;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Tests.Tables;

/// <summary>
/// Scores table rows with a trained table model, deterministically (z = mu): each column's contribution is its likelihood
/// term (value term masked where the cell is blank, plus the missing-value indicator's term) plus
/// <see cref="VaeOnnx.Contract.TableSchema.UnknownCost"/> where the cell holds a value training never had. The tests' reference
/// for the pair's score graph, computed independently in TorchSharp from the training loss's own terms.
/// </summary>
internal static class TorchTableScorer
{
    /// <summary>Scores <paramref name="features"/> (rows featurised with the model's schema).</summary>
    /// <param name="model">A table model.</param>
    /// <param name="features">The rows.</param>
    /// <param name="conditions">A conditional model's condition class of every row (<see cref="TableCondition.Codes"/>); null for an unconditional one.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public static TorchTableScores Score(VariationalAutoencoder model, TableFeatures features, int[]? conditions = null, int batchSize = 2000)
    {
        var columns = model.Columns ?? throw new ArgumentException("not a table model: it has no column schema");
        if (model.IsConditional != (conditions is not null))
            throw new ArgumentException(model.IsConditional ? "this conditional table model needs the condition of every row" : "a condition was given to a table model trained without one", nameof(conditions));
        if (conditions is not null && conditions.Length != features.Rows)
            throw new ArgumentException($"{conditions.Length} conditions for {features.Rows} rows", nameof(conditions));
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
            var condition = conditions is null ? null
                : VaeEvaluator.OneHot(tensor(conditions.AsSpan(start, rows).ToArray().Select(v => (long)v).ToArray()), model.Architecture.ConditionDim);
            var (mu, logvar, _) = model.encoder.Encode(x, condition);
            var observed = tensor(features.Observed.AsSpan(start * c, rows * c).ToArray(), [rows, c]);
            var perColumn = columns.PerColumn(model.Decode(mu, condition), x, model.decoder_logvar, observed).to_type(ScalarType.Float64).data<double>().ToArray();
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
        return new TorchTableScores(score, recon, kl, contributions);
    }
}
