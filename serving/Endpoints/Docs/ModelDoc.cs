using System.Text.Json;
using System.Text.Json.Serialization;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Serving;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>The answer of GET /model: what the served pair takes and gives, and what its metadata records.</summary>
/// <param name="PairId">The pair id.</param>
/// <param name="InputDim">Features D.</param>
/// <param name="LatentDim">Latent dimension L.</param>
/// <param name="InputShape">Shape of one sample (e.g. [1, 28, 28]).</param>
/// <param name="Likelihood">bernoulli, gaussian, or null when unknown (no /score).</param>
/// <param name="FeatureNames">Feature names of table models, else null.</param>
/// <param name="Features">The features in input order, with the kind of value each takes (a table pair: its columns, by name).</param>
/// <param name="MaxBatchRows">Rows per ONNX Runtime call the graphs allow (1 for pairs exported with a fixed batch).</param>
/// <param name="Metadata">The pair's VaeOnnx metadata (null for a pair from another tool).</param>
/// <param name="LoadedUtc">When the pair was loaded.</param>
/// <param name="Table">A table pair's schema (columns, kinds, categories, condition, threshold), else null.</param>
/// <param name="Condition">A conditional pair's condition: its column and the values a request may name; else null.</param>
/// <param name="Samplers">What /sample may draw from: "prior", and "gmm" when the pair stores a latent mixture.</param>
public sealed record ModelDoc(
    [property: JsonPropertyName("pair_id")] string PairId,
    [property: JsonPropertyName("input_dim")] int InputDim,
    [property: JsonPropertyName("latent_dim")] int LatentDim,
    [property: JsonPropertyName("input_shape")] IReadOnlyList<int> InputShape,
    [property: JsonPropertyName("likelihood")] string? Likelihood,
    [property: JsonPropertyName("feature_names")] IReadOnlyList<string>? FeatureNames,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureDoc> Features,
    [property: JsonPropertyName("max_batch_rows")] int? MaxBatchRows,
    [property: JsonPropertyName("metadata")] ModelMetadataDoc? Metadata,
    [property: JsonPropertyName("loaded_utc")] DateTime LoadedUtc,
    [property: JsonPropertyName("table")] TableDoc? Table,
    [property: JsonPropertyName("condition")] ConditionSpec? Condition,
    [property: JsonPropertyName("samplers")] IReadOnlyList<string> Samplers)
{
    internal static ModelDoc Of(VaeChainHost host)
    {
        var m = host.CurrentModel;
        var meta = m.Metadata;
        return new ModelDoc(m.PairId, m.InputDim, m.LatentDim, m.InputShape, m.Likelihood is { } l ? EnumText.Of(l) : null, m.FeatureNames,
            FeaturesOf(m), m.MaxBatchRows == int.MaxValue ? null : m.MaxBatchRows,
            meta is null ? null : new ModelMetadataDoc(meta.Dataset, meta.TestNegElbo, meta.IwLogPx, Json(meta.ArchitectureJson), Json(meta.TrainingConfigJson),
                m.Scaling.IsIdentity ? null : EnumText.Of(m.Scaling.Kind)),
            host.LoadedUtc, TableDoc.Of(m), m.Condition,
            m.LatentMixture is null ? [EnumText.Of(LatentSampler.Prior)] : EnumText.All<LatentSampler>());
    }

    private static FeatureDoc[] FeaturesOf(VaeOnnx.Inference.VaeModel m) => m.Table is { } table
        ? table.Columns.Select((c, j) => new FeatureDoc(j, c.Name, EnumText.Of(c.Kind))).ToArray()
        : FeatureSchema.ForInput(m).Columns.Select(FeatureDoc.Of).ToArray();

    private static JsonElement? Json(string? text)
    {
        if (text is null) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text); // kept as the text it is
        }
    }
}
