using TorchSharp;
using VaeOnnx.Contract;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Objective;

/// <summary>
/// The reconstruction term of a table model, one likelihood per column of its <see cref="TableSchema"/>, in one ELBO:
/// Gaussian for numbers (standardised, with the decoder's per-feature log-variance floored at
/// <see cref="ElboLoss.MinDecoderLogVar"/>), Bernoulli for flags, softmax cross-entropy for a category block, and a
/// Bernoulli term for each missing-value indicator. A cell whose indicator is 1 has its value term masked out, so the
/// imputed value never reaches the loss; the indicator's own term always counts (missingness is observed).
/// </summary>
public sealed class MixedLikelihood
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private readonly TableSchema _schema;
    private readonly IReadOnlyList<ColumnSpan> _spans;
    private readonly float[]?[] _logJacobians;

    /// <summary>The likelihood of <paramref name="schema"/>'s columns.</summary>
    public MixedLikelihood(TableSchema schema)
    {
        _schema = schema;
        _spans = schema.Spans;
        _logJacobians = schema.Columns.Select(c => c.HasModes ? new ModeEncoding(c).LogJacobian : null).ToArray();
    }

    /// <summary>Columns in the table.</summary>
    public int Columns => _schema.Columns.Count;

    /// <summary>-log p(x_c | decoded) per row and column [N, C]: each column's share of the reconstruction term, in nats.</summary>
    /// <param name="decoded">Decoder output [N, D]: logits of categories, flags and indicators; standardised means of numbers.</param>
    /// <param name="x">Features [N, D] (see <see cref="VaeOnnx.Tables.TableFeaturizer"/>).</param>
    /// <param name="decoderLogVar">Per-feature log-variance [D]; only the numbers' entries are used.</param>
    /// <param name="observed">
    /// [N, C]: 1 where a cell's value term counts. Null derives it from the indicators (training rows, whose values are all
    /// known); scoring passes it, so that a value training never had (an unseen flag spelling, a blank where training had
    /// none) is not scored as the imputed value.
    /// </param>
    public Tensor PerColumn(Tensor decoded, Tensor x, Tensor decoderLogVar, Tensor? observed = null)
    {
        using var scope = NewDisposeScope();
        var logVar = ElboLoss.EffectiveDecoderLogVar(decoderLogVar);
        var terms = new Tensor[_spans.Count];
        for (int c = 0; c < _spans.Count; c++)
        {
            var (column, span) = (_schema.Columns[c], _spans[c]);
            var value = ValueTerm(column.Kind, span, decoded, x, logVar, _logJacobians[c]);
            if (observed is not null) value = value * observed[.., c];
            if (span.HasIndicator)
            {
                var indicator = x[.., span.Indicator];
                if (observed is null) value = value * (1 - indicator);
                value = value + nn.functional.binary_cross_entropy_with_logits(decoded[.., span.Indicator], indicator, reduction: nn.Reduction.None);
            }
            terms[c] = value;
        }
        return stack(terms, 1).MoveToOuterDisposeScope();
    }

    /// <summary>-log p(x | decoded) per row [N].</summary>
    public Tensor Total(Tensor decoded, Tensor x, Tensor decoderLogVar)
    {
        using var scope = NewDisposeScope();
        return PerColumn(decoded, x, decoderLogVar).sum(1).MoveToOuterDisposeScope();
    }

    /// <param name="kind">The column's kind.</param>
    /// <param name="span">Where its features sit.</param>
    /// <param name="decoded">Decoder output [N, D].</param>
    /// <param name="x">Features [N, D].</param>
    /// <param name="logVar">Floored per-feature log-variance [D].</param>
    /// <param name="logJacobian">A mode-encoded number's log(4 s_k scale) per mode (see <see cref="ModeEncoding"/>); null otherwise.</param>
    private static Tensor ValueTerm(ColumnKind kind, ColumnSpan span, Tensor decoded, Tensor x, Tensor logVar, float[]? logJacobian)
    {
        int s = span.Start;
        switch (kind)
        {
            case ColumnKind.Categorical:
                return Categorical(decoded.narrow(1, s, span.ValueWidth), x.narrow(1, s, span.ValueWidth));
            case ColumnKind.Boolean:
                return nn.functional.binary_cross_entropy_with_logits(decoded[.., s], x[.., s], reduction: nn.Reduction.None);
            default:
                var lv = logVar[s];
                var residual = x[.., s] - decoded[.., s];
                var gaussian = 0.5 * (residual.square() * (-lv).exp() + lv + Log2Pi);
                if (logJacobian is null) return gaussian;
                // The offset's density, the mode's probability and the Jacobian back to the standardised value.
                int modes = span.ValueWidth - 1;
                var oneHot = x.narrow(1, s + 1, modes);
                return gaussian + Categorical(decoded.narrow(1, s + 1, modes), oneHot) + (oneHot * tensor(logJacobian)).sum(1);
        }
    }

    /// <summary>-sum x log softmax(logits): a blank or unknown category is all zeros, so its term is zero without a mask.</summary>
    private static Tensor Categorical(Tensor logits, Tensor oneHot) => -(nn.functional.log_softmax(logits, 1) * oneHot).sum(1);
}
