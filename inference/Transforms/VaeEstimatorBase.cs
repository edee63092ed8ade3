using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Base of the VaeOnnx estimators: checks that the input columns exist and are float vectors of the model's size
/// (naming the column, the expected and the actual type), then fits the inner chain of ML.NET transformers.
/// </summary>
/// <typeparam name="TTransformer">The transformer produced.</typeparam>
public abstract class VaeEstimatorBase<TTransformer> : IEstimator<TTransformer> where TTransformer : class, ITransformer
{
    /// <summary>Creates the estimator.</summary>
    protected VaeEstimatorBase(TransformsCatalog catalog, VaeModel model)
    {
        Catalog = catalog;
        Model = model;
    }

    /// <summary>The catalog the inner ML.NET transforms are made from.</summary>
    protected TransformsCatalog Catalog { get; }

    /// <summary>The model pair.</summary>
    protected VaeModel Model { get; }

    /// <summary>Input columns and their required vector sizes.</summary>
    protected abstract IEnumerable<(string Column, int Size)> RequiredInputs { get; }

    /// <summary>The stock ML.NET estimator chain that does the work.</summary>
    protected abstract IEstimator<ITransformer> BuildInner();

    /// <summary>The inner chain, for composing estimators (reconstruct = encode + decode).</summary>
    internal IEstimator<ITransformer> BuildChain() => BuildInner();

    /// <summary>Wraps the fitted inner chain.</summary>
    protected abstract TTransformer Wrap(ITransformer inner);

    /// <inheritdoc />
    public TTransformer Fit(IDataView input)
    {
        foreach (var (column, size) in RequiredInputs)
        {
            var found = input.Schema.GetColumnOrNull(column)
                ?? throw new ArgumentException($"input column '{column}' not found; expected a vector of {size} floats. Columns: {string.Join(", ", input.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}");
            if (found.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size != size)
                throw new ArgumentException($"input column '{column}' is {found.Type}; expected a vector of {size} floats (Vector<Single, {size}>)");
        }
        return Wrap(BuildInner().Fit(input));
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var (column, size) in RequiredInputs)
        {
            var matches = inputSchema.Where(c => c.Name == column).ToArray();
            if (matches.Length == 0)
                throw new ArgumentException($"input column '{column}' not found; expected a vector of {size} floats");
            var found = matches[^1];
            if (found.Kind != SchemaShape.Column.VectorKind.Vector || found.ItemType != NumberDataViewType.Single)
                throw new ArgumentException($"input column '{column}' is {found.Kind} of {found.ItemType}; expected a vector of {size} floats");
        }
        return BuildInner().GetOutputSchema(inputSchema);
    }

    /// <summary>Block scoring for a fitted transformer, or null when the options or a fixed batch of one in the graphs ask for row-by-row scoring.</summary>
    protected Blocks.VaeBlockScoring? Blocks(Blocks.VaeBlockKind kind, string inputColumn, params (string Name, Blocks.VaeBlockOutput Value)[] outputs) =>
        Math.Min(Model.Options.BlockSize, Model.MaxBatchRows) <= 1 ? null
            : new Blocks.VaeBlockScoring(new Blocks.VaeBlockRunner(Model, kind), inputColumn, outputs, Model.Options.BlockSize);

    /// <summary>ONNX scoring of one graph file, with the pair's execution options.</summary>
    protected IEstimator<ITransformer> Onnx(string modelFile, string[] inputs, string[] outputs)
    {
        var options = new Microsoft.ML.Transforms.Onnx.OnnxOptions
        {
            ModelFile = modelFile, InputColumns = inputs, OutputColumns = outputs,
            GpuDeviceId = Model.Options.ResolveGpuDevice(), FallbackToCpu = Model.Options.AllowCpuFallback,
            IntraOpNumThreads = Model.Options.IntraOpThreads > 0 ? Model.Options.IntraOpThreads : null,
        };
        return Catalog.ApplyOnnxModel(options);
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> unless they are the same column.</summary>
    protected IEstimator<ITransformer> Copy(string to, string from) =>
        to == from ? new EstimatorChain<ITransformer>() : Catalog.CopyColumns(to, from);

    /// <summary>Drops the intermediate columns, keeping any that the caller asked for by name.</summary>
    protected IEstimator<ITransformer> Drop(IEnumerable<string> temporary, params string[] keep)
    {
        var drop = temporary.Where(t => !keep.Contains(t)).Distinct().ToArray();
        return drop.Length == 0 ? new EstimatorChain<ITransformer>() : Catalog.DropColumns(drop);
    }

    /// <summary>Writes a generated graph to a cache file (ONNX scoring in ML.NET reads graphs from files) and returns its path.</summary>
    protected string CacheGraph(string name, byte[] bytes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vaeonnx-graphs");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}.onnx");
        if (!File.Exists(path))
        {
            var temp = path + $".{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        return path;
    }
}
