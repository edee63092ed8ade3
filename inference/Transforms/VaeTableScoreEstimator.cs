using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Scores the rows of a business table with a table pair: the input is the table's own columns, by name (text, numbers with
/// NaN for a blank, booleans; see <see cref="TableSchema"/>), and the outputs are <c>{scoreColumn}</c> (the negative ELBO
/// with z = mu; higher is more unusual), <c>{scoreColumn}_recon</c> and <c>{scoreColumn}_kl</c> (its parts),
/// <c>{scoreColumn}_contrib</c> (a vector with one value per table column, slot names the column names: each column's share
/// of the reconstruction term in nats, summing to it) and <c>{anomalyColumn}</c> (true when the score is above the threshold
/// calibrated at export). A category or flag spelling never seen in training, or a blank where training had none, costs
/// <see cref="TableSchema.UnknownCost"/> nats in its column and never fails. A conditional table pair
/// (<see cref="VaeModel.Condition"/>) also reads each row's condition from the column the model was conditioned on (named
/// <see cref="ConditionSpec.Column"/>, text); a value that is not one of its classes fails, naming the row and the column.
/// </summary>
public sealed class VaeTableScoreEstimator : IEstimator<VaeTableScoreTransformer>
{
    private readonly TransformsCatalog _catalog;
    private readonly VaeModel _model;
    private readonly string _score, _anomaly;

    internal VaeTableScoreEstimator(TransformsCatalog catalog, VaeModel model, string scoreColumn, string anomalyColumn)
    {
        if (model.Table is null)
            throw new ArgumentException($"{model.EncoderPath}: not a table pair (its metadata has no {VaeMetadataKeys.TableSchema}); score it with VaeAnomalyScore", nameof(model));
        (_catalog, _model, _score, _anomaly) = (catalog, model, scoreColumn, anomalyColumn);
    }

    /// <summary>The score column's name unless one is given.</summary>
    public const string DefaultScoreColumn = "Score";

    /// <summary>The anomaly flag column's name unless one is given.</summary>
    public const string DefaultAnomalyColumn = "IsAnomaly";

    /// <summary>The name of the contributions column for a score column named <paramref name="scoreColumn"/>.</summary>
    public static string ContributionsColumn(string scoreColumn) => $"{scoreColumn}_contrib";

    /// <inheritdoc />
    public VaeTableScoreTransformer Fit(IDataView input)
    {
        var plan = Plan(new TableScorePass(_model));
        try
        {
            plan.FindInputs(input.Schema);
        }
        catch
        {
            plan.Pass.Dispose();
            throw;
        }
        return new VaeTableScoreTransformer(_model.PairId, plan, () => SavedChain.TableScore(_catalog, _model, input.Schema, _score, _anomaly), input.Schema);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var needed = _model.Table!.Columns.Select(k => k.Name).Concat(_model.Condition is { } condition ? [condition.Column] : []).ToArray();
        foreach (var column in needed)
        {
            var found = inputSchema.LastOrDefault(c => c.Name == column);
            if (found.Name is null) throw new ArgumentException($"input column '{column}' not found; the table model needs {string.Join(", ", needed)}");
            if (found.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw new ArgumentException($"input column '{column}' is a {found.Kind}; expected one value per row");
        }
        int c = _model.Table.Columns.Count;
        return OutputShapes.Append(_catalog, inputSchema,
            [(_score, 0), (VaeScoreParts.Column(_score, VaeScoreParts.Reconstruction), 0), (VaeScoreParts.Column(_score, VaeScoreParts.Kl), 0), (ContributionsColumn(_score), c)],
            [_anomaly]);
    }

    private ScoringPlan Plan(TableScorePass pass)
    {
        int c = _model.Table!.Columns.Count;
        ScoredColumn[] outputs =
        [
            new(_score, ScoredValue.Score, NumberDataViewType.Single),
            new(VaeScoreParts.Column(_score, VaeScoreParts.Reconstruction), ScoredValue.Reconstruction, NumberDataViewType.Single),
            new(VaeScoreParts.Column(_score, VaeScoreParts.Kl), ScoredValue.Kl, NumberDataViewType.Single),
            new(ContributionsColumn(_score), ScoredValue.Contributions, new VectorDataViewType(NumberDataViewType.Single, c)),
            new(_anomaly, ScoredValue.IsAnomaly, BooleanDataViewType.Instance),
        ];
        int block = Math.Max(1, Math.Min(_model.Options.BlockSize, _model.MaxBatchRows));
        return new ScoringPlan(pass, "", outputs, block) { Table = _model.Table };
    }
}
