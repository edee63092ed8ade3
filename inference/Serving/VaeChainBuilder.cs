using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Serving;

/// <summary>
/// Builds the chains that <see cref="VaeChainHost"/> serves for one pair: called once for the first pair and again for
/// every new pair, before it is swapped in, so a chain that cannot be built keeps the old pair in service.
/// </summary>
public sealed class VaeChainBuilder
{
    private readonly Dictionary<string, HostedChain> _chains = new(StringComparer.Ordinal);

    internal VaeChainBuilder(MLContext context, VaeModel model)
    {
        Context = context;
        Model = model;
    }

    /// <summary>The context the chains are built in.</summary>
    public MLContext Context { get; }

    /// <summary>The pair being built for.</summary>
    public VaeModel Model { get; }

    internal IReadOnlyDictionary<string, HostedChain> Chains => _chains;

    /// <summary>An input schema with one column of <paramref name="size"/> floats (<see cref="VaeModel.InputDim"/> by default).</summary>
    public DataViewSchema VectorSchema(string column, int? size = null)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(column, new VectorDataViewType(NumberDataViewType.Single, size ?? Model.InputDim));
        return builder.ToSchema();
    }

    /// <summary>An input schema with one float vector column per (name, size), in that order.</summary>
    public DataViewSchema VectorSchema(params (string Column, int Size)[] columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var (column, size) in columns) builder.AddColumn(column, new VectorDataViewType(NumberDataViewType.Single, size));
        return builder.ToSchema();
    }

    /// <summary>Adds a chain whose estimators need no rows to fit (the VaeOnnx transforms, column copies, concatenations...).</summary>
    public VaeChainBuilder Add(string name, IEstimator<ITransformer> estimator, DataViewSchema inputSchema) =>
        Add(name, estimator.Fit(new EmptyDataView(inputSchema)), inputSchema);

    /// <summary>Adds a fitted chain (for example one with a trainer fitted here on this pair's features) for rows of <paramref name="inputSchema"/>.</summary>
    public VaeChainBuilder Add(string name, ITransformer chain, DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_chains.ContainsKey(name)) throw new ArgumentException($"a chain named '{name}' was already added", nameof(name));
        _chains[name] = new HostedChain(name, chain, inputSchema);
        return this;
    }
}
