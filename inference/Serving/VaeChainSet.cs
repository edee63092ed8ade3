using Microsoft.ML;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// The chains built for one pair, reference counted: the host's <see cref="HotSwapSlot"/> holds one reference, each
/// lease another, and the chains (and their ONNX Runtime sessions) are disposed when the last one is released.
/// </summary>
internal sealed class VaeChainSet
{
    private readonly IReadOnlyDictionary<string, HostedChain> _chains;
    private readonly ReferenceCount _references = new();

    private VaeChainSet(MLContext context, VaeModel model, IReadOnlyDictionary<string, HostedChain> chains)
    {
        Context = context;
        Model = model;
        _chains = chains;
    }

    public MLContext Context { get; }

    public VaeModel Model { get; }

    public IReadOnlyCollection<string> Names => (IReadOnlyCollection<string>)_chains.Keys;

    public bool IsDisposed => _references.IsReleased;

    /// <summary>Builds the chains of <paramref name="model"/>; nothing stays open when it fails.</summary>
    public static VaeChainSet Build(VaeModel model, Action<VaeChainBuilder> chains)
    {
        var builder = new VaeChainBuilder(new MLContext(seed: 1), model);
        try
        {
            chains(builder);
            if (builder.Chains.Count == 0) throw new InvalidOperationException("the chain builder added no chain; add at least one");
            return new VaeChainSet(builder.Context, model, builder.Chains);
        }
        catch
        {
            foreach (var chain in builder.Chains.Values) chain.Dispose();
            throw;
        }
    }

    public HostedChain Chain(string name) => _chains.TryGetValue(name, out var chain) ? chain
        : throw new ArgumentException($"no chain named '{name}'; the host serves {string.Join(", ", _chains.Keys)}", nameof(name));

    public bool TryAddReference() => _references.TryAdd();

    public void Release()
    {
        if (!_references.Release()) return;
        foreach (var chain in _chains.Values) chain.Dispose();
    }
}
