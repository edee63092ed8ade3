using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Base of the VaeOnnx estimators: checks that the input columns exist and are float vectors of the model's size
/// (naming the column, the expected and the actual type), then creates the transformer. <see cref="GetOutputSchema"/>
/// opens nothing and writes nothing.
/// </summary>
/// <typeparam name="TTransformer">The transformer produced.</typeparam>
public abstract class VaeEstimatorBase<TTransformer> : IEstimator<TTransformer> where TTransformer : class, ITransformer
{
    private protected VaeEstimatorBase(TransformsCatalog catalog, VaeModel model)
    {
        Catalog = catalog;
        Model = model;
    }

    private protected TransformsCatalog Catalog { get; }

    private protected VaeModel Model { get; }

    /// <summary>Input columns and their required vector sizes.</summary>
    private protected abstract IReadOnlyList<(string Column, int Size)> RequiredInputs { get; }

    /// <summary>Output columns: vectors of <c>Width</c> floats, or single floats where <c>Width</c> is 0.</summary>
    private protected abstract IReadOnlyList<(string Name, int Width)> Outputs { get; }

    /// <summary>Creates the transformer for rows of <paramref name="inputSchema"/> (already checked).</summary>
    private protected abstract TTransformer Create(DataViewSchema inputSchema);

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
        return Create(input.Schema);
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
        return OutputShapes.Append(Catalog, inputSchema, Outputs);
    }

    /// <summary>
    /// The condition column of a conditional pair: <paramref name="given"/>, or <see cref="VaeCatalogExtensions.DefaultConditionColumn"/>
    /// when none is given; null for an unconditional pair, which refuses one.
    /// </summary>
    private protected static string? ConditionColumnFor(VaeModel model, string? given)
    {
        if (model.IsConditional) return given ?? VaeCatalogExtensions.DefaultConditionColumn;
        if (given is not null)
            throw new ArgumentException($"{model.EncoderPath}: the pair has no condition, so condition column '{given}' cannot be used", nameof(given));
        return null;
    }

    /// <summary><paramref name="inputs"/> plus the condition column (K floats) when there is one.</summary>
    private protected IReadOnlyList<(string Column, int Size)> WithCondition(string? condition, params (string Column, int Size)[] inputs) =>
        condition is null ? inputs : [.. inputs, (condition, Model.ConditionDim)];

    /// <summary>Rows per ONNX Runtime call: the options' block size, or one for graphs with a fixed batch of one.</summary>
    private protected int BlockSize => Math.Max(1, Math.Min(Model.Options.BlockSize, Model.MaxBatchRows));

    /// <summary>The type ML.NET's own ONNX scoring declares for a [N, width] output, so fitted and reloaded chains agree.</summary>
    private protected static DataViewType VectorOf(int width) => new VectorDataViewType(NumberDataViewType.Single, 1, width);
}
