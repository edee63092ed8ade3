namespace VaeOnnx.Inference.Serving;

/// <summary>
/// The references to a hot-swapped resource: its owner's (the provider or host, until the resource is replaced) and one
/// per lease. Once the count reaches zero no new reference can be taken, so a caller that read the replaced resource
/// just before the swap retries with the new one instead of using a disposed one.
/// </summary>
internal sealed class ReferenceCount
{
    private int _count = 1;

    /// <summary>True once the last reference was released.</summary>
    public bool IsReleased => Volatile.Read(ref _count) <= 0;

    /// <summary>Takes a reference; false when the last one was already released.</summary>
    public bool TryAdd()
    {
        while (true)
        {
            int current = Volatile.Read(ref _count);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _count, current + 1, current) == current) return true;
        }
    }

    /// <summary>Drops a reference; true for the call that dropped the last one (the caller then disposes the resource).</summary>
    public bool Release() => Interlocked.Decrement(ref _count) == 0;
}
