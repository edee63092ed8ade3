using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>Getters that serve one row of a scored block, shared by the block cursor and the single-row mapper.</summary>
internal static class ScoredGetter
{
    /// <summary>
    /// A getter of <paramref name="value"/> for the row <paramref name="row"/> points at, after <paramref name="compute"/>
    /// has made sure that row is scored.
    /// </summary>
    /// <param name="column">The column served.</param>
    /// <param name="buffers">The block's buffers.</param>
    /// <param name="value">What the column serves.</param>
    /// <param name="row">The row in the block.</param>
    /// <param name="compute">Makes sure the row is scored.</param>
    /// <param name="threshold">Table pairs: the anomaly threshold, for <see cref="ScoredValue.IsAnomaly"/>.</param>
    public static ValueGetter<TValue> Create<TValue>(DataViewSchema.Column column, ScoringBuffers buffers, ScoredValue value, Func<int> row, Action compute,
        float threshold = float.PositiveInfinity)
    {
        var (values, width) = buffers.Of(value);
        if (value == ScoredValue.IsAnomaly) return IsAnomaly<TValue>(column, values, threshold, row, compute);
        Delegate getter = width == 0
            ? (ValueGetter<float>)((ref float result) =>
            {
                compute();
                result = values[row()];
            })
            : (ValueGetter<VBuffer<float>>)((ref VBuffer<float> result) =>
            {
                compute();
                // Writes into the caller's buffer: no allocation once the caller's buffer has the right size.
                var editor = VBufferEditor.Create(ref result, width);
                values.AsSpan(row() * width, width).CopyTo(editor.Values);
                result = editor.Commit();
            });
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}");
    }

    /// <summary>score &gt;= threshold in float32, as <see cref="VaeOnnx.Contract.AnomalyThreshold.IsAnomaly"/>; a NaN score (NaN or infinite inputs) is not flagged.</summary>
    private static ValueGetter<TValue> IsAnomaly<TValue>(DataViewSchema.Column column, float[] scores, float threshold, Func<int> row, Action compute)
    {
        ValueGetter<bool> getter = (ref bool result) =>
        {
            compute();
            result = scores[row()] >= threshold;
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"column '{column.Name}' is Boolean; it cannot be read as {typeof(TValue).Name}");
    }
}
