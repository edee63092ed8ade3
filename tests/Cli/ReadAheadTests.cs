using VaeOnnx.Cli.Scoring;
using VaeOnnx.Contract;

namespace VaeOnnx.Tests.Cli;

/// <summary>The background stages of <c>vae score</c>: order, bounded memory, and errors that reach the caller as thrown.</summary>
[TestClass]
public sealed class ReadAheadTests
{
    [TestMethod]
    public void ItemsArriveInOrderOnAnotherThreadWithTheProducerAtMostTwoItemsAhead()
    {
        int produced = 0, producerThread = -1;
        var maxAhead = 0;
        IEnumerable<int> Source()
        {
            producerThread = Environment.CurrentManagedThreadId;
            for (int i = 0; i < 50; i++)
            {
                Interlocked.Increment(ref produced);
                yield return i;
            }
        }
        var seen = new List<int>();
        foreach (var item in ReadAhead.Of(Source(), capacity: 1))
        {
            Thread.Sleep(1);
            // One item queued and one being produced (blocked on the full queue) beyond the one the consumer holds.
            maxAhead = Math.Max(maxAhead, Volatile.Read(ref produced) - (item + 1));
            seen.Add(item);
        }
        CollectionAssert.AreEqual(Enumerable.Range(0, 50).ToArray(), seen);
        Assert.AreNotEqual(Environment.CurrentManagedThreadId, producerThread);
        Assert.IsLessThanOrEqualTo(2, maxAhead);
    }

    [TestMethod]
    public void TheProducersErrorReachesTheConsumerAsThrownAfterTheItemsBeforeIt()
    {
        IEnumerable<int> Source()
        {
            yield return 1;
            yield return 2;
            throw new DataFormatException("rows.csv", "line 4, column 'age': 'abc' is not a number");
        }
        var seen = new List<int>();
        var error = Assert.ThrowsExactly<DataFormatException>(() =>
        {
            foreach (var item in ReadAhead.Of(Source(), capacity: 1)) seen.Add(item);
        });
        Assert.AreEqual("rows.csv: line 4, column 'age': 'abc' is not a number", error.Message);
        CollectionAssert.AreEqual(new[] { 1, 2 }, seen);
    }

    [TestMethod]
    public void AConsumerThatStopsEarlyReleasesTheProducerAndTheSourceIsDisposedAfterIt()
    {
        var disposed = new ManualResetEventSlim();
        bool producingAfterDispose = false;
        IEnumerable<int> Endless()
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    producingAfterDispose |= disposed.IsSet;
                    yield return i;
                }
            }
            finally
            {
                disposed.Set();
            }
        }
        Assert.AreEqual(2, ReadAhead.Of(Endless(), capacity: 1).Take(3).Last());
        Assert.IsTrue(disposed.Wait(TimeSpan.FromSeconds(10)), "the producer was not released");
        Assert.IsFalse(producingAfterDispose);
    }
}
