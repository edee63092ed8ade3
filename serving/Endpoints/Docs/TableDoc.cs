using System.Text.Json.Serialization;
using VaeOnnx.Contract;
using VaeOnnx.Inference;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>The table schema of a table pair in GET /model: what a row of /score gives and /synthesize writes.</summary>
/// <param name="Columns">The feature columns in order: kind, categories, flag spellings, scaling, range, missing rate.</param>
/// <param name="Condition">The condition column of a conditional pair (its classes and their training shares), or null.</param>
/// <param name="Threshold">The anomaly threshold calibrated at export (rows scoring at or above it are anomalies, compared in float32), or null.</param>
/// <param name="MissingTexts">Cell texts read as a blank cell (as well as JSON null).</param>
/// <param name="IgnoredColumns">Columns of the training file left out: accepted in rows and dropped.</param>
/// <param name="IdColumns">Id columns of the training file: accepted in rows, the first echoed as each result's id.</param>
/// <param name="TrainingRows">Training rows; a value never seen in them costs at least ln(n + 1) nats and flags the row.</param>
public sealed record TableDoc(
    [property: JsonPropertyName("columns")] IReadOnlyList<TableColumn> Columns,
    [property: JsonPropertyName("condition")] ConditionSpec? Condition,
    [property: JsonPropertyName("threshold")] AnomalyThreshold? Threshold,
    [property: JsonPropertyName("missing_texts")] IReadOnlyList<string> MissingTexts,
    [property: JsonPropertyName("ignored_columns")] IReadOnlyList<string> IgnoredColumns,
    [property: JsonPropertyName("id_columns")] IReadOnlyList<string> IdColumns,
    [property: JsonPropertyName("training_rows")] int TrainingRows)
{
    internal static TableDoc? Of(VaeModel model) => model.Table is not { } t ? null
        : new TableDoc(t.Columns, model.Condition, t.Threshold, t.MissingTexts, t.IgnoredColumns, t.IdColumns, t.TrainingRows);
}
