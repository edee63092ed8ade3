namespace VaeOnnx.Training.Data;

/// <summary>
/// Shuffles a stream of rows through a buffer of a fixed number of rows, so that an epoch over a table larger than memory
/// sees its rows in a random order while holding at most <c>capacity</c> of them. The buffer is filled first; then each new
/// row takes the place of one drawn at random, which is emitted; at the end the rows left are emitted in random order. A
/// stream no longer than the buffer therefore comes out as one uniform permutation; a longer one is mixed locally: a row
/// leaves at most as far ahead of its position as the buffer's reach, and on average about <c>capacity</c> rows later.
/// </summary>
public static class ShuffleBuffer
{
    /// <summary>The rows of <paramref name="rows"/>, each once, in an order drawn from <paramref name="random"/>.</summary>
    public static IEnumerable<T> Shuffle<T>(IEnumerable<T> rows, int capacity, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var buffer = new List<T>(Math.Min(capacity, 1 << 16));
        foreach (var row in rows)
        {
            if (buffer.Count < capacity)
            {
                buffer.Add(row);
                continue;
            }
            int j = random.Next(capacity);
            yield return buffer[j];
            buffer[j] = row;
        }
        for (int left = buffer.Count; left > 0; left--)
        {
            int j = random.Next(left);
            yield return buffer[j];
            buffer[j] = buffer[left - 1];
        }
    }
}
