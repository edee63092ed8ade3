using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Base of the VaeOnnx estimators: checks that the input columns exist and have the types the pair reads (naming the
/// column, the expected and the actual type; see <see cref="RequiredInput"/>), then creates the transformer.
/// <see cref="GetOutputSchema"/> opens nothing and writes nothing.
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

    /// <summary>The input columns the transform reads.</summary>
    private protected abstract IReadOnlyList<RequiredInput> Inputs { get; }

    /// <summary>The output columns: their names, what they serve and their declared types.</summary>
    private protected abstract IReadOnlyList<ScoredColumn> Outputs { get; }

    /// <summary>Creates the transformer for rows of <paramref name="inputSchema"/> (already checked).</summary>
    private protected abstract TTransformer Create(DataViewSchema inputSchema);

    /// <inheritdoc />
    public TTransformer Fit(IDataView input)
    {
        var inputs = Inputs;
        foreach (var required in inputs) required.Find(input.Schema, inputs);
        return Create(input.Schema);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var inputs = Inputs;
        foreach (var required in inputs) required.Check(inputSchema, inputs);
        var outputs = Outputs;
        return OutputShapes.Append(Catalog, inputSchema,
            outputs.Where(o => o.Type is not BooleanDataViewType).Select(o => (o.Name, o.Type is VectorDataViewType vector ? vector.Size : 0)).ToArray(),
            outputs.Where(o => o.Type is BooleanDataViewType).Select(o => o.Name).ToArray());
    }

    /// <summary>The plan of a transformer that scores through <paramref name="pass"/>: this estimator's inputs and outputs, the block size.</summary>
    private protected ScoringPlan Plan(IScoringPass pass) => new(pass, Inputs, Outputs, BlockSize);

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

    /// <summary>The vector column <paramref name="column"/> of <paramref name="width"/> floats, plus the condition column (K floats) when there is one.</summary>
    private protected IReadOnlyList<RequiredInput> WithCondition(string? condition, string column, int width) =>
        condition is null ? [new(column, width)] : [new(column, width), new(condition, Model.ConditionDim)];

    /// <summary>Rows per ONNX Runtime call: the options' block size, or one for graphs with a fixed batch of one.</summary>
    private protected int BlockSize => Math.Max(1, Math.Min(Model.Options.BlockSize, Model.MaxBatchRows));

    /// <summary>The type ML.NET's own ONNX scoring declares for a [N, width] output, so fitted and reloaded chains agree.</summary>
    private protected static DataViewType VectorOf(int width) => new VectorDataViewType(NumberDataViewType.Single, 1, width);
}
