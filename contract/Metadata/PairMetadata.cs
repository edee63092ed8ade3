using System.Globalization;
using System.Text.Json;

namespace VaeOnnx.Contract;

/// <summary>
/// The VaeOnnx <c>metadata_props</c> of one graph of a pair, typed. <see cref="ToProperties"/> writes the keys of
/// <see cref="VaeMetadataKeys"/>; <see cref="Read"/> parses and checks them against the graph they sit in. The
/// exporter writes the same facts into both graphs, with only <see cref="Role"/> differing.
/// </summary>
public sealed record PairMetadata
{
    /// <summary>Encoder or decoder.</summary>
    public required GraphRole Role { get; init; }
    /// <summary>Shared by the two graphs of one export.</summary>
    public required string PairId { get; init; }
    /// <summary>Shape of one sample before flattening, e.g. [1,28,28] or [12].</summary>
    public required int[] InputShape { get; init; }
    /// <summary>Latent dimension L.</summary>
    public required int LatentDim { get; init; }
    /// <summary>The decoder likelihood.</summary>
    public required Likelihood Likelihood { get; init; }
    /// <summary>Feature names of tabular models.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }
    /// <summary>Input scaling baked into the graphs, recorded for likelihoods in the trained space.</summary>
    public FeatureScaling? Scaling { get; init; }
    /// <summary>Gaussian decoders: per-feature log-variance in the scaled space.</summary>
    public float[]? DecoderLogVar { get; init; }
    /// <summary>Data set trained on.</summary>
    public string? Dataset { get; init; }
    /// <summary>Test negative ELBO, nats per sample.</summary>
    public double? TestNegElbo { get; init; }
    /// <summary>Importance-weighted estimate of log p(x), nats per sample.</summary>
    public double? IwLogPx { get; init; }
    /// <summary>The architecture as JSON (see <see cref="VaeArchitecture"/>).</summary>
    public string? ArchitectureJson { get; init; }
    /// <summary>The training configuration as JSON.</summary>
    public string? TrainingConfigJson { get; init; }
    /// <summary>Table models: the column schema (names, kinds, categories, scaling, missing rates, threshold).</summary>
    public TableSchema? Table { get; init; }
    /// <summary>
    /// The graph's own <see cref="VaeMetadataKeys.WeightsDigest"/> as read (checked against the file by
    /// <see cref="PairDigestCheck"/>); null for exports made before digests. Read only: <see cref="ToProperties"/> leaves
    /// it out, because a digest is computed from the built graph and added by <see cref="Onnx.WeightsDigest"/> itself.
    /// </summary>
    public string? WeightsDigest { get; init; }

    /// <summary>Conditional pairs: the condition and the name of the input c [N, K] both graphs take; null otherwise.</summary>
    public ConditionInput? Condition { get; init; }
    /// <summary>Pairs whose posterior is not the diagonal Gaussian: the flow and the encoder's extra input and outputs; null otherwise.</summary>
    public PosteriorSpec? Posterior { get; init; }
    /// <summary>The Gaussian mixture fitted to the training codes, when the export fitted one.</summary>
    public LatentMixture? LatentMixture { get; init; }

    /// <summary>Flattened feature count D.</summary>
    public int InputDim => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>What the decoder graph outputs, which follows from the likelihood.</summary>
    public DecoderOutputKind DecoderOutput => Likelihood switch
    {
        Likelihood.Bernoulli => DecoderOutputKind.Probabilities,
        Likelihood.Mixed => DecoderOutputKind.Parameters,
        _ => DecoderOutputKind.Mean,
    };

    /// <summary>True when any key of the VaeOnnx set is present: the graph then claims to be ours and must carry the set.</summary>
    public static bool IsStamped(IReadOnlyDictionary<string, string> properties) =>
        properties.Keys.Any(k => k.StartsWith(VaeMetadataKeys.Prefix, StringComparison.Ordinal));

    /// <summary>The refusal of a graph without VaeOnnx metadata paired with one that has it.</summary>
    internal static ModelFileException NotStamped(string path, string stampedPath) =>
        new(path, $"has no VaeOnnx metadata but {stampedPath} does; the two files are not a pair");

    /// <summary>The metadata_props entries, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToProperties()
    {
        var c = CultureInfo.InvariantCulture;
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (value is not null) entries.Add(new(key, value));
        }
        Add(VaeMetadataKeys.FormatVersion, VaeMetadataKeys.CurrentFormatVersion);
        Add(VaeMetadataKeys.Role, EnumText.Of(Role));
        Add(VaeMetadataKeys.PairId, PairId);
        Add(VaeMetadataKeys.InputShape, string.Join("x", InputShape));
        Add(VaeMetadataKeys.InputDim, InputDim.ToString(c));
        Add(VaeMetadataKeys.LatentDim, LatentDim.ToString(c));
        Add(VaeMetadataKeys.Likelihood, EnumText.Of(Likelihood));
        Add(VaeMetadataKeys.DecoderOutput, EnumText.Of(DecoderOutput));
        Add(VaeMetadataKeys.Scaling, Scaling is null ? null : JsonSerializer.Serialize(Scaling));
        Add(VaeMetadataKeys.Dataset, Dataset);
        Add(VaeMetadataKeys.Architecture, ArchitectureJson);
        Add(VaeMetadataKeys.TrainingConfig, TrainingConfigJson);
        Add(VaeMetadataKeys.FeatureNames, FeatureNames is null ? null : JsonSerializer.Serialize(FeatureNames));
        Add(VaeMetadataKeys.TestNegElbo, TestNegElbo?.ToString("R", c));
        Add(VaeMetadataKeys.IwLogPx, IwLogPx?.ToString("R", c));
        Add(VaeMetadataKeys.DecoderLogVar, DecoderLogVar is null ? null : JsonSerializer.Serialize(DecoderLogVar));
        Add(VaeMetadataKeys.Condition, Condition is null ? null : JsonSerializer.Serialize(Condition));
        Add(VaeMetadataKeys.Posterior, Posterior is null ? null : JsonSerializer.Serialize(Posterior));
        Add(VaeMetadataKeys.LatentMixture, LatentMixture?.ToJson());
        Add(VaeMetadataKeys.TableSchema, Table?.ToJson());
        return entries;
    }

    /// <summary>
    /// Parses the VaeOnnx keys of a graph of <paramref name="role"/> whose own declarations give <paramref name="inputDim"/>
    /// features and <paramref name="latentDim"/> latent units; every problem is a <see cref="ModelFileException"/> naming
    /// <paramref name="path"/> and the key.
    /// </summary>
    public static PairMetadata Read(IReadOnlyDictionary<string, string> properties, string path, GraphRole role, int inputDim, int latentDim)
    {
        var reader = new Reader(properties, path);
        var version = reader.Require(VaeMetadataKeys.FormatVersion);
        if (version != VaeMetadataKeys.CurrentFormatVersion)
            throw new ModelFileException(path, $"metadata format version {version}; this library reads {VaeMetadataKeys.CurrentFormatVersion}");
        var roleText = reader.Require(VaeMetadataKeys.Role);
        if (!EnumText.TryParse<GraphRole>(roleText, out var actual) || actual != role)
            throw new ModelFileException(path, $"metadata role is '{roleText}'; expected {EnumText.Of(role)}");
        var pairId = reader.Require(VaeMetadataKeys.PairId);
        var latentText = reader.Require(VaeMetadataKeys.LatentDim);
        if (!int.TryParse(latentText, NumberStyles.None, CultureInfo.InvariantCulture, out int latent) || latent != latentDim)
            throw new ModelFileException(path, $"metadata latent_dim {latentText} disagrees with the graph's {latentDim}");
        var likelihoodText = reader.Require(VaeMetadataKeys.Likelihood);
        if (!EnumText.TryParse<Likelihood>(likelihoodText, out var likelihood))
            throw new ModelFileException(path, $"metadata likelihood '{likelihoodText}'; expected {EnumText.Choices<Likelihood>()}");
        var table = properties.TryGetValue(VaeMetadataKeys.TableSchema, out var tableJson) ? TableSchema.Parse(tableJson, path, inputDim) : null;
        if ((likelihood == Likelihood.Mixed) != (table is not null))
            throw new ModelFileException(path, table is null
                ? $"metadata likelihood is mixed but '{VaeMetadataKeys.TableSchema}' is missing; expected the table's column schema"
                : $"metadata '{VaeMetadataKeys.TableSchema}' is present but the likelihood is {likelihoodText}; expected mixed");
        var condition = properties.TryGetValue(VaeMetadataKeys.Condition, out var conditionJson) ? ConditionInput.Parse(conditionJson, path) : null;
        return new PairMetadata
        {
            Role = role, PairId = pairId, LatentDim = latent, Likelihood = likelihood, Table = table,
            InputShape = reader.Shape(inputDim),
            FeatureNames = reader.FeatureNames(inputDim),
            Scaling = properties.TryGetValue(VaeMetadataKeys.Scaling, out var scaling) ? FeatureScaling.Parse(scaling, inputDim, path) : null,
            DecoderLogVar = reader.DecoderLogVar(inputDim),
            Dataset = properties.GetValueOrDefault(VaeMetadataKeys.Dataset),
            TestNegElbo = reader.Number(VaeMetadataKeys.TestNegElbo),
            IwLogPx = reader.Number(VaeMetadataKeys.IwLogPx),
            ArchitectureJson = properties.GetValueOrDefault(VaeMetadataKeys.Architecture),
            TrainingConfigJson = properties.GetValueOrDefault(VaeMetadataKeys.TrainingConfig),
            WeightsDigest = properties.GetValueOrDefault(VaeMetadataKeys.WeightsDigest),
            Condition = condition,
            Posterior = properties.TryGetValue(VaeMetadataKeys.Posterior, out var posterior) ? PosteriorSpec.Parse(posterior, path) : null,
            LatentMixture = properties.TryGetValue(VaeMetadataKeys.LatentMixture, out var mixture) ? Contract.LatentMixture.Parse(mixture, path, latent, condition?.Classes.Count ?? 0) : null,
        };
    }

    private sealed class Reader(IReadOnlyDictionary<string, string> properties, string path)
    {
        public string Require(string key) => properties.TryGetValue(key, out var value) ? value
            : throw new ModelFileException(path, $"metadata '{key}' is missing; expected it in every VaeOnnx graph");

        public int[] Shape(int inputDim)
        {
            if (properties.TryGetValue(VaeMetadataKeys.InputDim, out var dimText)
                && (!int.TryParse(dimText, NumberStyles.None, CultureInfo.InvariantCulture, out int dim) || dim != inputDim))
                throw new ModelFileException(path, $"metadata input_dim {dimText} disagrees with the graph's {inputDim}");
            if (!properties.TryGetValue(VaeMetadataKeys.InputShape, out var shape)) return [inputDim];
            var dims = shape.Split('x').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
            if (dims.Any(v => v <= 0) || dims.Aggregate(1L, (a, b) => a * b) != inputDim)
                throw new ModelFileException(path, $"metadata input_shape '{shape}' does not hold {inputDim} features");
            return dims;
        }

        public IReadOnlyList<string>? FeatureNames(int inputDim)
        {
            var names = Json<string[]>(VaeMetadataKeys.FeatureNames);
            if (names is not null && (names.Length != inputDim || names.Any(n => n is null)))
                throw new ModelFileException(path, $"{names.Length} feature names for {inputDim} features");
            return names;
        }

        public float[]? DecoderLogVar(int inputDim)
        {
            var logvar = Json<float[]>(VaeMetadataKeys.DecoderLogVar);
            if (logvar is not null && (logvar.Length != inputDim || logvar.Any(v => !float.IsFinite(v))))
                throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.DecoderLogVar}' must hold {inputDim} finite values");
            return logvar;
        }

        public double? Number(string key)
        {
            if (!properties.TryGetValue(key, out var text)) return null;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
                : throw new ModelFileException(path, $"metadata '{key}' is '{text}'; expected a number");
        }

        private T? Json<T>(string key) where T : class
        {
            if (!properties.TryGetValue(key, out var json)) return null;
            try
            {
                return JsonSerializer.Deserialize<T>(json) ?? throw new ModelFileException(path, $"metadata '{key}' is empty");
            }
            catch (JsonException e)
            {
                throw new ModelFileException(path, $"metadata '{key}' is not valid JSON ({e.Message})", e);
            }
        }
    }
}
