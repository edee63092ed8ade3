using Microsoft.ML;

namespace VaeOnnx.Cli.Bench;

/// <summary>A fitted transformer with its input rows: <see cref="Score"/> reads every output value once.</summary>
public sealed class PreparedScoring(ITransformer transformer, IDataView input, string[] columns) : IDisposable
{
    /// <summary>The fitted (or loaded) transformer.</summary>
    public ITransformer Transformer => transformer;

    /// <summary>The rows it scores.</summary>
    public IDataView Input => input;

    /// <summary>The output columns read.</summary>
    public string[] Columns => columns;

    /// <summary>Transforms and reads the rows (all, or the first <paramref name="limit"/>); returns managed bytes allocated in the row loop.</summary>
    public long Score(long? limit = null) => ScoringScenarios.Drain(transformer.Transform(input), columns, limit);

    /// <summary>The values of vector column <paramref name="column"/> in the first <paramref name="rows"/> rows, row-major.</summary>
    public float[] Values(string column, int rows)
    {
        var values = new List<float>();
        var view = transformer.Transform(input);
        using var cursor = view.GetRowCursor([view.Schema[column]]);
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(view.Schema[column]);
        Microsoft.ML.Data.VBuffer<float> value = default;
        for (int r = 0; r < rows && cursor.MoveNext(); r++)
        {
            getter(ref value);
            values.AddRange(value.DenseValues());
        }
        return values.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => (transformer as IDisposable)?.Dispose();
}
