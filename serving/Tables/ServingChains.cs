using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Serving.Tables;

/// <summary>
/// The chains the endpoints use for one pair: <see cref="VaeStandardChains"/> for image and vector pairs, and for a table
/// pair the one chain <see cref="TableScore"/> (<c>VaeTableScore</c>, the transform <c>vae score</c> runs), so the host
/// swaps between any two pairs and every request sees the chains of the pair it leased.
/// </summary>
public static class ServingChains
{
    /// <summary>Table pairs: the rows' own columns (and the condition column) -> Score, Score_recon, Score_kl, Score_contrib, IsAnomaly.</summary>
    public const string TableScore = "table-score";

    /// <summary>Adds the chains <paramref name="builder"/>'s pair is served with.</summary>
    public static void Add(VaeChainBuilder builder)
    {
        if (!builder.Model.IsTable)
        {
            VaeStandardChains.Add(builder);
            return;
        }
        builder.Add(TableScore, builder.Context.Transforms.VaeTableScore(builder.Model), InputSchema(builder.Model));
    }

    /// <summary>The schema of <see cref="VaeTableRows.ToDataView"/> for the pair: Text for flags, categories and the condition, Single for numbers.</summary>
    private static DataViewSchema InputSchema(VaeModel model)
    {
        var schema = new DataViewSchema.Builder();
        foreach (var column in model.Table!.Columns)
            schema.AddColumn(column.Name, column.IsText ? TextDataViewType.Instance : NumberDataViewType.Single);
        if (model.Condition is { } condition) schema.AddColumn(condition.Column, TextDataViewType.Instance);
        return schema.ToSchema();
    }
}
