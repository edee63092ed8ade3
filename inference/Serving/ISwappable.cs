namespace VaeOnnx.Inference.Serving;

/// <summary>What <see cref="HotSwapSlot{T}"/> serves: a reference-counted resource built for one pair.</summary>
internal interface ISwappable
{
    /// <summary>The pair the resource was built for.</summary>
    VaeModel Model { get; }

    /// <summary>Takes a reference; false once the resource was released for good.</summary>
    bool TryAddReference();

    /// <summary>Drops a reference; the last one disposes the resource.</summary>
    void Release();
}
