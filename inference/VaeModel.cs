using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Loading;

namespace VaeOnnx.Inference;

/// <summary>
/// A loaded encoder/decoder pair. Names, dimensions and metadata are read from the ONNX files at run time, so a new model
/// file swaps in without recompiling. The bytes are read once and kept: every session made from this object runs exactly
/// the graphs that were checked at load, even if the files are replaced afterwards. Pairs from other tools load too: one
/// encoder input [N,D], two encoder outputs [N,L] (named mu/mean and logvar/log_var, else mean first and log-variance
/// second) and one decoder input [N,L] / output [N,D]. Without VaeOnnx metadata the likelihood is unknown unless given,
/// and the pair id is derived from the files' bytes.
/// </summary>
public sealed class VaeModel
{
    internal VaeModel(string encoderPath, string decoderPath, VaeSessionOptions options, byte[] encoderBytes, byte[] decoderBytes)
    {
        EncoderPath = encoderPath;
        DecoderPath = decoderPath;
        Options = options;
        EncoderBytes = encoderBytes;
        DecoderBytes = decoderBytes;
    }

    /// <summary>Path of the encoder graph.</summary>
    public string EncoderPath { get; }
    /// <summary>Path of the decoder graph.</summary>
    public string DecoderPath { get; }
    /// <summary>Session options used for scoring.</summary>
    public VaeSessionOptions Options { get; }
    /// <summary>Id shared by the two graphs (from metadata, or a hash of both files for pairs without metadata).</summary>
    public string PairId { get; internal init; } = "";
    /// <summary>True when the graphs carry VaeOnnx metadata.</summary>
    public bool HasMetadata => Metadata is not null;
    /// <summary>The encoder's VaeOnnx metadata, typed; null for a pair from another tool.</summary>
    public PairMetadata? Metadata { get; internal init; }
    /// <summary>Flattened input features D.</summary>
    public int InputDim { get; internal init; }
    /// <summary>Latent dimension L.</summary>
    public int LatentDim { get; internal init; }
    /// <summary>
    /// Most rows one ONNX Runtime call may take: unlimited for graphs with a symbolic batch dimension, 1 for graphs
    /// exported with a fixed batch of one (<c>torch.onnx.export</c> without <c>dynamic_axes</c>), which are scored row by row.
    /// </summary>
    public int MaxBatchRows { get; internal init; } = int.MaxValue;
    /// <summary>Shape of one sample, e.g. [1,28,28] or [D].</summary>
    public IReadOnlyList<int> InputShape { get; internal init; } = [];
    /// <summary>The decoder likelihood, or null when unknown (a pair without metadata loaded without one).</summary>
    public Likelihood? Likelihood { get; internal init; }
    /// <summary>Input scaling the model was trained with (identity when unknown).</summary>
    public FeatureScaling Scaling { get; internal init; } = FeatureScaling.Identity(0);
    /// <summary>Gaussian decoders: per-feature log-variance in the scaled space (zeros when unknown); null otherwise.</summary>
    public IReadOnlyList<float>? DecoderLogVar { get; internal init; }
    /// <summary>Feature names of tabular models.</summary>
    public IReadOnlyList<string>? FeatureNames => Metadata?.FeatureNames;
    /// <summary>Table pairs: the column schema (names, kinds, categories, flag spellings, scaling, missing rates, the anomaly threshold); null otherwise.</summary>
    public TableSchema? Table => Metadata?.Table;
    /// <summary>True for a table pair: its encoder takes one input per column, scored with <see cref="VaeCatalogExtensions.VaeTableScore"/>.</summary>
    public bool IsTable => Table is not null;
    /// <summary>Name of the encoder's input.</summary>
    public string EncoderInput { get; internal init; } = "";
    /// <summary>Name of the encoder's mean output.</summary>
    public string EncoderMu { get; internal init; } = "";
    /// <summary>Name of the encoder's log-variance output.</summary>
    public string EncoderLogVar { get; internal init; } = "";
    /// <summary>Name of the decoder's input.</summary>
    public string DecoderInput { get; internal init; } = "";
    /// <summary>Name of the decoder's output.</summary>
    public string DecoderOutput { get; internal init; } = "";

    /// <summary>The encoder graph as loaded.</summary>
    internal byte[] EncoderBytes { get; }
    /// <summary>The decoder graph as loaded.</summary>
    internal byte[] DecoderBytes { get; }

    /// <summary>The largest feature or latent size a graph may declare: a block of rows is allocated from it.</summary>
    public const int MaxFeatureDim = 1 << 24;

    /// <summary>Loads <c>encoder.onnx</c> and <c>decoder.onnx</c> from a model folder.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Session options; null for the defaults (CPU).</param>
    /// <param name="likelihood">Overrides (or, for a pair without metadata, supplies) the decoder likelihood.</param>
    /// <exception cref="VaeModelLoadException">A file is missing or damaged, or the two files are not a pair; the message names the file.</exception>
    public static VaeModel Load(string folder, VaeSessionOptions? options = null, Likelihood? likelihood = null)
    {
        if (!Directory.Exists(folder)) throw new VaeModelLoadException($"{folder}: model folder not found; expected a folder with {ModelCard.EncoderFileName} and {ModelCard.DecoderFileName}");
        return Load(Path.Combine(folder, ModelCard.EncoderFileName), Path.Combine(folder, ModelCard.DecoderFileName), options, likelihood);
    }

    /// <summary>Loads a pair from two files; see <see cref="Load(string, VaeSessionOptions?, Likelihood?)"/>.</summary>
    public static VaeModel Load(string encoderPath, string decoderPath, VaeSessionOptions? options = null, Likelihood? likelihood = null) =>
        PairLoader.Load(Path.GetFullPath(encoderPath), Path.GetFullPath(decoderPath), options ?? new VaeSessionOptions(), likelihood);

    /// <summary>
    /// Registers this library with an ML.NET context so that saved chains containing <c>VaeAnomalyScore</c>, <c>VaeTableScore</c> or
    /// <c>VaeSampleLatent</c> load (their float outputs come from custom mappings, which ML.NET finds by contract name in
    /// registered assemblies).
    /// </summary>
    public static void Register(MLContext mlContext) => mlContext.ComponentCatalog.RegisterAssembly(typeof(VaeModel).Assembly);

    /// <summary>An ONNX Runtime session for one of the pair's graphs, with the pair's options (or <paramref name="options"/>); the caller disposes it.</summary>
    public InferenceSession CreateSession(GraphRole role, VaeSessionOptions? options = null)
    {
        using var sessionOptions = (options ?? Options).CreateSessionOptions(out _);
        return new InferenceSession(role == GraphRole.Encoder ? EncoderBytes : DecoderBytes, sessionOptions);
    }

    /// <summary>
    /// Draws <paramref name="count"/> latent vectors from the prior N(0, I) as a data view with one column (vector of L floats),
    /// ready for <see cref="VaeCatalogExtensions.VaeDecode"/>. The same seed gives the same rows.
    /// </summary>
    public IDataView SamplePrior(MLContext mlContext, int count, int seed, string columnName = "z")
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more");
        var random = new Random(seed);
        var rows = new List<LatentRow>(count);
        for (int r = 0; r < count; r++)
        {
            var z = new float[LatentDim];
            for (int j = 0; j < z.Length; j++) z[j] = (float)StandardNormal(random);
            rows.Add(new LatentRow { Z = z });
        }
        var schema = SchemaDefinition.Create(typeof(LatentRow));
        schema[0].ColumnName = columnName;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, LatentDim);
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>A standard normal draw (Box-Muller), used for prior samples.</summary>
    public static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class LatentRow
    {
        public float[] Z { get; set; } = [];
    }
}
