namespace VaeOnnx.Contract;

/// <summary>
/// Reads a table decoder's x_hat as typed values, as the decoder graph's typed outputs do: the most probable category, the
/// flag's more probable spelling, a number's mean in raw units (of the most probable mode for a mode-encoded number; rounded for integer and date columns), and blank where the missing
/// indicator's probability is above one half.
/// </summary>
public static class TableModeDecoder
{
    /// <summary>The most probable value of <paramref name="column"/>: its text (categories, flags; "" when blank) and number (NaN for text columns and blanks).</summary>
    /// <param name="column">The column.</param>
    /// <param name="span">Where its features sit.</param>
    /// <param name="parameters">One row of x_hat.</param>
    public static (string Text, float Number) Decode(TableColumn column, ColumnSpan span, ReadOnlySpan<float> parameters)
    {
        if (span.HasIndicator && parameters[span.Indicator] > 0.5f) return ("", float.NaN);
        var value = parameters.Slice(span.Start, span.ValueWidth);
        switch (column.Kind)
        {
            case ColumnKind.Categorical:
                int best = 0;
                for (int k = 1; k < value.Length; k++)
                    if (value[k] > value[best]) best = k;
                return (column.Categories![best], float.NaN);
            case ColumnKind.Boolean:
                return (value[0] > 0.5f ? column.TrueText! : column.FalseText!, float.NaN);
            default:
                float raw = column.HasModes ? ModeValue(new ModeEncoding(column), value) : value[0] / column.Scale + column.Offset;
                if (column.IsWhole) raw = MathF.Round(raw, MidpointRounding.ToEven);
                return (raw.ToString("R", System.Globalization.CultureInfo.InvariantCulture), raw);
        }
    }

    /// <summary>A mode-encoded number: the most probable mode (the first on ties, as ArgMax), decoded at the offset's mean.</summary>
    public static float ModeValue(ModeEncoding modes, ReadOnlySpan<float> value) => modes.Decode(MostProbableMode(value), value[0]);

    /// <summary>The most probable mode of a mode-encoded number's parameters (offset mean, then mode probabilities), the first on ties.</summary>
    public static int MostProbableMode(ReadOnlySpan<float> value)
    {
        var probabilities = value[1..];
        int best = 0;
        for (int k = 1; k < probabilities.Length; k++)
            if (probabilities[k] > probabilities[best]) best = k;
        return best;
    }
}
