using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// <c>model.json</c>, the human-readable card beside <c>encoder.onnx</c> and <c>decoder.onnx</c> in a model folder.
/// It repeats the facts of the graphs' metadata; the graphs stay the source of truth when the two disagree.
/// </summary>
public sealed record ModelCard
{
    /// <summary>File name of the card in a model folder.</summary>
    public const string FileName = "model.json";
    /// <summary>File name of the encoder graph in a model folder.</summary>
    public const string EncoderFileName = "encoder.onnx";
    /// <summary>File name of the decoder graph in a model folder.</summary>
    public const string DecoderFileName = "decoder.onnx";

    /// <summary>Same as the graphs' <see cref="VaeMetadataKeys.FormatVersion"/>.</summary>
    [JsonPropertyName("format_version")] public string FormatVersion { get; init; } = VaeMetadataKeys.CurrentFormatVersion;
    /// <summary>The pair id written into both graphs.</summary>
    [JsonPropertyName("pair_id")] public string PairId { get; init; } = "";
    /// <summary>Model name (the folder name at export).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    /// <summary>When the pair was exported (UTC, ISO 8601).</summary>
    [JsonPropertyName("exported_utc")] public string ExportedUtc { get; init; } = "";
    /// <summary>VaeOnnx version that wrote the pair.</summary>
    [JsonPropertyName("producer_version")] public string ProducerVersion { get; init; } = "";
    /// <summary>Shape of one sample, e.g. "1x28x28".</summary>
    [JsonPropertyName("input_shape")] public string InputShape { get; init; } = "";
    /// <summary>Flattened features D.</summary>
    [JsonPropertyName("input_dim")] public int InputDim { get; init; }
    /// <summary>Latent dimension L.</summary>
    [JsonPropertyName("latent_dim")] public int LatentDim { get; init; }
    /// <summary>The decoder likelihood.</summary>
    [JsonPropertyName("likelihood"), JsonRequired] public Likelihood Likelihood { get; init; }
    /// <summary>What the decoder graph outputs.</summary>
    [JsonPropertyName("decoder_output")] public DecoderOutputKind DecoderOutput { get; init; }
    /// <summary>Feature names of tabular models.</summary>
    [JsonPropertyName("feature_names")] public IReadOnlyList<string>? FeatureNames { get; init; }
    /// <summary>Class names of the training labels, when known (for plots).</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string>? ClassNames { get; init; }
    /// <summary>Data set trained on.</summary>
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";
    /// <summary>Test negative ELBO, nats per sample.</summary>
    [JsonPropertyName("test_neg_elbo")] public double? TestNegElbo { get; init; }
    /// <summary>IWAE estimate of log p(x), nats per sample.</summary>
    [JsonPropertyName("iw_log_px")] public double? IwLogPx { get; init; }
    /// <summary>Parameters of the encoder and decoder graphs.</summary>
    [JsonPropertyName("parameters")] public IReadOnlyDictionary<string, long> Parameters { get; init; } = new Dictionary<string, long>();
    /// <summary>Sizes of the two graph files in bytes.</summary>
    [JsonPropertyName("file_bytes")] public IReadOnlyDictionary<string, long> FileBytes { get; init; } = new Dictionary<string, long>();
    /// <summary>Largest absolute difference between ONNX Runtime and the trained model measured at export.</summary>
    [JsonPropertyName("parity_max_abs_diff")] public double ParityMaxAbsDiff { get; init; }
    /// <summary>Architecture JSON as stored in the checkpoint.</summary>
    [JsonPropertyName("architecture")] public JsonElement? Architecture { get; init; }
    /// <summary>Training configuration JSON as stored in the checkpoint.</summary>
    [JsonPropertyName("training")] public JsonElement? Training { get; init; }
    /// <summary>Reads and checks a card; a malformed one fails with the file and the problem named.</summary>
    public static ModelCard Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var info = new FileInfo(path);
        if (info.Length > 16_000_000) throw new ModelFileException(path, $"{info.Length:N0} bytes; a model card is a few kilobytes");
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"not a valid model card at {e.Path ?? "$"} (line {e.LineNumber + 1}): {e.Message}", e);
        }
        if (card is null) throw new ModelFileException(path, "empty JSON; expected a model card object");
        if (card.FormatVersion != VaeMetadataKeys.CurrentFormatVersion) throw new ModelFileException(path, $"field 'format_version' is '{card.FormatVersion}'; expected {VaeMetadataKeys.CurrentFormatVersion}");
        if (card.InputDim <= 0 || card.LatentDim <= 0) throw new ModelFileException(path, $"fields 'input_dim'/'latent_dim' are {card.InputDim}/{card.LatentDim}; expected positive sizes");
        if (string.IsNullOrEmpty(card.PairId)) throw new ModelFileException(path, "field 'pair_id' is empty");
        return card;
    }

    /// <summary>Conditional models: the condition both graphs take.</summary>
    [JsonPropertyName("condition"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ConditionSpec? Condition { get; init; }
    /// <summary>Flow posteriors: the flow and the encoder's extra input and outputs.</summary>
    [JsonPropertyName("posterior"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PosteriorSpec? Posterior { get; init; }
    /// <summary>Components of the latent mixture stored in the pair, when there is one.</summary>
    [JsonPropertyName("latent_mixture_components"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? LatentMixtureComponents { get; init; }
    /// <summary>How the latent mixture's number of components was chosen.</summary>
    [JsonPropertyName("latent_mixture_selection"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public MixtureSelection? LatentMixtureSelection { get; init; }

    /// <summary>Table models: the column schema, with the calibrated anomaly threshold.</summary>
    [JsonPropertyName("table")] public TableSchema? Table { get; init; }

    /// <summary>The command that reproduces the model, when known.</summary>
    [JsonPropertyName("training_command")] public string? TrainingCommand { get; init; }
}
