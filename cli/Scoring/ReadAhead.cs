using System.Collections.Concurrent;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// Runs a sequence on a background thread a few items ahead of its consumer, so that producing the next item (reading
/// and featurising a block of rows) overlaps consuming this one (scoring and writing it). Memory stays bounded: the
/// producer waits while <c>capacity</c> items are queued. The producer's exception reaches the consumer as it was thrown
/// (a <c>DataFormatException</c> keeps its one line), after the items produced before it.
/// </summary>
public static class ReadAhead
{
    /// <summary>The items of <paramref name="source"/>, enumerated on a background thread at most <paramref name="capacity"/> items ahead.</summary>
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        using var queue = new BlockingCollection<T>(capacity);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var item in source) queue.Add(item, stop.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var item in queue.GetConsumingEnumerable()) yield return item;
            producer.GetAwaiter().GetResult();
        }
        finally
        {
            // A consumer that stops early (its own error, or a break) releases a producer blocked on a full queue, and the
            // source is not disposed under a producer still reading it.
            stop.Cancel();
            Task.WaitAny(producer);
        }
    }
}
