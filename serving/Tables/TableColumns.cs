using VaeOnnx.Contract;
using VaeOnnx.Inference;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// The columns a request may give for one table pair, by name: the feature columns (index j), the condition column
/// (index = the number of feature columns) and the columns the model knows it leaves out (the training file's ignored, id
/// and label columns, read and dropped), so that the training file's own rows can be sent as they are.
/// </summary>
internal sealed class TableColumns
{
    /// <summary>The index of a column that is read and dropped.</summary>
    public const int Dropped = -1;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public TableColumns(VaeModel model)
    {
        Schema = model.Table ?? throw new ArgumentException($"{model.EncoderPath}: not a table pair", nameof(model));
        Condition = model.Condition;
        for (int j = 0; j < Schema.Columns.Count; j++) _index[Schema.Columns[j].Name] = j;
        if (Condition is not null) _index[Condition.Column] = Schema.Columns.Count;
        Required = [.. Schema.Columns.Select(c => c.Name), .. Condition is null ? [] : new[] { Condition.Column }];
        foreach (var name in Schema.IgnoredColumns.Concat(Schema.IdColumns).Append(Schema.LabelColumn).OfType<string>()) _index.TryAdd(name, Dropped);
    }

    public TableSchema Schema { get; }

    public ConditionSpec? Condition { get; }

    /// <summary>The columns every row must give, features then the condition.</summary>
    public IReadOnlyList<string> Required { get; }

    /// <summary>The pair's first recorded id column (<c>--id-column</c>), echoed like <c>vae score</c> writes it when a request names no id; null without one.</summary>
    public string? RecordedId => Schema.IdColumns.Count > 0 ? Schema.IdColumns[0] : null;

    /// <summary>What the model takes, for error messages.</summary>
    public string What => string.Join(", ", Schema.Columns.Select(c => c.Name)) + (Condition is null ? "" : $" and the condition '{Condition.Column}' (one of {string.Join(", ", Condition.Classes)})");

    /// <summary>The column's index, <see cref="Dropped"/>, or null for a column the model does not know.</summary>
    public int? IndexOf(string name) => _index.TryGetValue(name, out int index) ? index : null;
}
