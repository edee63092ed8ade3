using Microsoft.ML;

namespace VaeOnnx.Cli.Bench;

/// <summary>A fitted transformer with its input rows: <see cref="Score"/> reads every output value once.</summary>
public sealed class PreparedScoring(ITransformer transformer, IDataView input, string[] columns) : IDisposable
{
    /// <summary>Transforms and reads the rows (all, or the first <paramref name="limit"/>); returns managed bytes allocated in the row loop.</summary>
    public long Score(long? limit = null) => ScoringScenarios.Drain(transformer.Transform(input), columns, limit);

    /// <inheritdoc />
    public void Dispose() => (transformer as IDisposable)?.Dispose();
}
