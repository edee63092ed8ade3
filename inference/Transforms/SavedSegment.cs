using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// What a saved VaeOnnx transformer was, written into the saved chain as the name of a column that the chain's first step
/// copies from the input and its last step drops (so it costs nothing per row and never shows downstream). ML.NET keeps
/// the loaders of third-party state internal, so a column name is the part of a stock chain that carries our own text
/// through <c>mlContext.Model.Save/Load</c> and can be read back through public API (the chain's output schemas).
/// <see cref="VaeModel.LoadChain(Microsoft.ML.MLContext, string, out Microsoft.ML.DataViewSchema, VaeSessionOptions?)"/>
/// reads it to put the block-scoring transformer back; the graphs are found in the zip by their SHA-256.
/// </summary>
internal sealed record SavedSegment
{
    /// <summary>Start of the marker column's name.</summary>
    public const string ColumnPrefix = SavedChain.Prefix + "segment:";

    /// <summary>The marker layout written by this version.</summary>
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    /// <summary>Marker layout.</summary>
    [JsonPropertyName("format")] public int Format { get; init; } = CurrentFormat;

    /// <summary>What the transformer computed.</summary>
    [JsonPropertyName("stage")] public required SavedStepKind Stage { get; init; }

    /// <summary>The pair id of the transformer.</summary>
    [JsonPropertyName("pair_id")] public required string PairId { get; init; }

    /// <summary>The likelihood the transformer scored with (given at load for pairs without metadata).</summary>
    [JsonPropertyName("likelihood")] public Contract.Likelihood? Likelihood { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the encoder graph the chain stores, or null when it stores none.</summary>
    [JsonPropertyName("encoder_sha256")] public string? EncoderSha256 { get; init; }

    /// <summary>SHA-256 of the decoder graph the chain stores, or null when it stores none.</summary>
    [JsonPropertyName("decoder_sha256")] public string? DecoderSha256 { get; init; }

    /// <summary>The transformer's columns: encode (input, mu, logvar), decode (z, output), reconstruct (input, output), anomaly score (input, score), table score (score, anomaly flag).</summary>
    [JsonPropertyName("columns")] public required string[] Columns { get; init; }

    /// <summary>The marker of a transformer of <paramref name="stage"/> on <paramref name="model"/>.</summary>
    public static SavedSegment For(VaeModel model, SavedStepKind stage, params string[] columns) => new()
    {
        Stage = stage,
        PairId = model.PairId,
        Likelihood = stage == SavedStepKind.AnomalyScore ? model.Likelihood : null,
        EncoderSha256 = stage == SavedStepKind.Decode ? null : Sha256(model.EncoderBytes),
        DecoderSha256 = stage == SavedStepKind.Encode ? null : Sha256(model.DecoderBytes),
        Columns = columns,
    };

    /// <summary>The marker column's name.</summary>
    [JsonIgnore] public string ColumnName => ColumnPrefix + JsonSerializer.Serialize(this, Json);

    /// <summary>The marker in <paramref name="columnName"/>, or null when the column is not a marker this version reads.</summary>
    public static SavedSegment? Parse(string columnName)
    {
        if (!columnName.StartsWith(ColumnPrefix, StringComparison.Ordinal)) return null;
        try
        {
            var segment = JsonSerializer.Deserialize<SavedSegment>(columnName.AsSpan(ColumnPrefix.Length), Json);
            return segment is { Format: CurrentFormat, PairId: not null, Columns: { } columns } && columns.Length == ColumnCount(segment.Stage) && columns.All(c => !string.IsNullOrEmpty(c))
                ? segment : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static int ColumnCount(SavedStepKind stage) => stage == SavedStepKind.Encode ? 3 : 2;
}
