using System.Globalization;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// The fast path of <see cref="RowsReader"/> for the common body <c>{"rows": [[n, ...], ...]}</c> (rows as arrays of
/// numbers): a strict scanner of exactly that JSON, with a correctly rounded float parse, several times faster than a
/// general JSON reader on rows of hundreds of values. It accepts only valid JSON of that shape whose rows all have the
/// right length, and gives up on anything else (object rows, other properties, escapes, any error), which the general
/// reader then reads or refuses with its message; so both paths give the same floats and the same errors.
/// </summary>
internal static class ArrayRowsParser
{
    private static readonly double[] PowersOfTen = Enumerable.Range(0, 23).Select(i => double.Parse("1e" + i, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The rows, or null when the body is not of the fast shape (or holds an error).</summary>
    public static RowBlock? TryRead(ReadOnlySpan<byte> body, int width, int maxRows)
    {
        int i = 0;
        if (!Expect(body, ref i, (byte)'{') || !Expect(body, ref i, "\"rows\""u8) || !Expect(body, ref i, (byte)':') || !Expect(body, ref i, (byte)'['))
            return null;
        var values = new float[width * 16];
        int rows = 0;
        SkipSpace(body, ref i);
        if (i < body.Length && body[i] == ']') i++;
        else
        {
            while (true)
            {
                if (rows == maxRows) return null;
                if ((rows + 1) * width > values.Length) Array.Resize(ref values, Math.Max(values.Length * 2, (rows + 1) * width));
                if (!Expect(body, ref i, (byte)'[')) return null;
                var row = values.AsSpan(rows * width, width);
                for (int j = 0; j < width; j++)
                {
                    if (j > 0 && !Expect(body, ref i, (byte)',')) return null;
                    SkipSpace(body, ref i);
                    if (!TryNumber(body, ref i, out row[j])) return null;
                }
                if (!Expect(body, ref i, (byte)']')) return null;
                rows++;
                SkipSpace(body, ref i);
                if (i < body.Length && body[i] == ',') { i++; continue; }
                if (!Expect(body, ref i, (byte)']')) return null;
                break;
            }
        }
        if (!Expect(body, ref i, (byte)'}')) return null;
        SkipSpace(body, ref i);
        return i == body.Length ? new RowBlock(values, rows, width) : null;
    }

    /// <summary>
    /// A JSON number (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) as the nearest float. Up to 19 significant digits and
    /// a decimal exponent within 22 of them, m x 10^e is one correctly rounded double operation on exact operands; rounding
    /// that double to float is then the nearest float unless the double lies exactly halfway between two floats, where
    /// (as for every other number) the runtime's own parser decides.
    /// </summary>
    private static bool TryNumber(ReadOnlySpan<byte> s, ref int i, out float value)
    {
        value = 0;
        int start = i;
        bool negative = i < s.Length && s[i] == '-';
        if (negative) i++;
        ulong mantissa = 0;
        int digits = 0, exponent = 0;
        if (i >= s.Length || !IsDigit(s[i])) return false;
        if (s[i] == '0') i++;
        else
            while (i < s.Length && IsDigit(s[i])) Accumulate(s[i++], ref mantissa, ref digits, ref exponent, fraction: false);
        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (i >= s.Length || !IsDigit(s[i])) return false;
            while (i < s.Length && IsDigit(s[i])) Accumulate(s[i++], ref mantissa, ref digits, ref exponent, fraction: true);
        }
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            bool negativeExponent = false;
            if (i < s.Length && (s[i] == '+' || s[i] == '-')) negativeExponent = s[i++] == '-';
            if (i >= s.Length || !IsDigit(s[i])) return false;
            int e = 0;
            while (i < s.Length && IsDigit(s[i]))
            {
                if (e < 100000) e = e * 10 + (s[i] - '0');
                i++;
            }
            exponent += negativeExponent ? -e : e;
        }
        if (digits <= 19 && mantissa <= 1UL << 53 && exponent is >= -22 and <= 22)
        {
            double d = exponent >= 0 ? mantissa * PowersOfTen[exponent] : mantissa / PowersOfTen[-exponent];
            if (d == 0 || (d is >= 1.2e-38 and <= 3.4e38 && (BitConverter.DoubleToInt64Bits(d) & 0x1FFFFFFF) != 0x10000000))
            {
                value = (float)(negative ? -d : d);
                return true;
            }
        }
        if (!float.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        return float.IsFinite(value); // out of range: the general reader refuses it with its message
    }

    /// <summary>Adds a digit to the significand; digits past 19 are not kept, and the number then goes to the runtime's parser.</summary>
    private static void Accumulate(byte digit, ref ulong mantissa, ref int digits, ref int exponent, bool fraction)
    {
        if (digits == 0 && digit == '0')
        {
            if (fraction) exponent--; // leading zeros of a fraction only shift the exponent
            return;
        }
        if (digits < 19) mantissa = mantissa * 10 + (ulong)(digit - '0');
        else if (!fraction) exponent++;
        digits++;
        if (fraction && digits <= 19) exponent--;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static void SkipSpace(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int i, byte token)
    {
        SkipSpace(s, ref i);
        if (i >= s.Length || s[i] != token) return false;
        i++;
        return true;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> token)
    {
        SkipSpace(s, ref i);
        if (!s[i..].StartsWith(token)) return false;
        i += token.Length;
        return true;
    }
}
