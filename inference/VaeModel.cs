using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Loading;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Inference;

/// <summary>
/// A loaded encoder/decoder pair. Names, dimensions and metadata are read from the ONNX files at run time, so a new model
/// file swaps in without recompiling. The bytes are read once and kept: every session made from this object runs exactly
/// the graphs that were checked at load, even if the files are replaced afterwards. The weights digests of our exports
/// are recomputed at load and a changed file is refused (<see cref="WeightsVerified"/>).
/// Pairs from other tools load too: an encoder input [N,D] or an image [N,C,H,W] / [N,H,W,C] with fixed sizes (rows are
/// then D = C·H·W values flattened in that layout, <see cref="InputLayout"/>), a mean and a spread output [N,L] picked
/// by name (mu/mean/z_mean; logvar/log_var/z_log_var, or sigma/std and var converted to a log-variance), others such as
/// a sampled z ignored, else mean first and log-variance second; a decoder input [N,L] and one output holding the
/// encoder's row. Sizes a graph leaves symbolic (L, the decoder's image size) are found by running it once. Without
/// VaeOnnx metadata the likelihood is unknown unless given, and the pair id is derived from the files' bytes.
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
    public VaeSessionOptions Options { get; private set; }

    /// <summary>
    /// This pair, not loaded again, with sessions of <paramref name="intraOpThreads"/> ONNX Runtime intra-op threads: for a
    /// caller that keeps cores busy beside its sessions, as <c>vae score</c> reads and writes a table on two threads of its own.
    /// </summary>
    public VaeModel WithIntraOpThreads(int intraOpThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        var copy = (VaeModel)MemberwiseClone();
        copy.Options = Options with { IntraOpThreads = intraOpThreads };
        return copy;
    }
    /// <summary>
    /// The provider this pair's sessions run on, settled at load: <see cref="VaeExecutionProvider.Cuda"/> only when CUDA was
    /// asked for and a CUDA session opened; <see cref="VaeExecutionProvider.Cpu"/> otherwise (after the one fallback warning).
    /// </summary>
    public VaeExecutionProvider ExecutionProvider { get; internal init; }
    /// <summary>Id shared by the two graphs (from metadata, or a hash of both files for pairs without metadata).</summary>
    public string PairId { get; internal init; } = "";
    /// <summary>True when the graphs carry VaeOnnx metadata.</summary>
    public bool HasMetadata => Metadata is not null;
    /// <summary>The encoder's VaeOnnx metadata, typed (the decoder's for a model rebuilt from a saved decode chain); null for a pair from another tool.</summary>
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
    /// <summary>Shape of one sample in the graph's own layout, e.g. [1,28,28] (NCHW), [28,28,1] (NHWC) or [D].</summary>
    public IReadOnlyList<int> InputShape { get; internal init; } = [];
    /// <summary>Channels, height, width and layout of an image model's rows; null for rows of features.</summary>
    public ImageShape? Image { get; internal init; }
    /// <summary>How a row of <see cref="InputDim"/> values lies: flat features, or an image flattened in NCHW or NHWC order.</summary>
    public InputLayout InputLayout => Image?.Layout ?? Contract.InputLayout.Flat;
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
    /// <summary>Name of the encoder's input [N, D] in the graph that runs (a flat input added in front of an image encoder from another tool, see <see cref="GraphsAdapted"/>).</summary>
    public string EncoderInput { get; internal init; } = "";
    /// <summary>Name of the encoder's mean output.</summary>
    public string EncoderMu { get; internal init; } = "";
    /// <summary>Name of the encoder's log-variance output in the graph that runs (computed from <see cref="EncoderSpread"/> when that is not a log-variance).</summary>
    public string EncoderLogVar { get; internal init; } = "";
    /// <summary>Name of the decoder's input.</summary>
    public string DecoderInput { get; internal init; } = "";
    /// <summary>Name of the decoder's output [N, D] in the graph that runs (a flat output added behind an image decoder from another tool).</summary>
    public string DecoderOutput { get; internal init; } = "";
    /// <summary>The encoder output the log-variance comes from, as the file names it (<see cref="EncoderLogVar"/> when it is a log-variance).</summary>
    public string EncoderSpread { get; internal init; } = "";
    /// <summary>What <see cref="EncoderSpread"/> holds: a log-variance, or a standard deviation, variance or log standard deviation converted at load.</summary>
    public SpreadKind EncoderSpreadKind { get; internal init; }
    /// <summary>Encoder outputs the library does not use (a sampled z, for instance).</summary>
    public IReadOnlyList<string> IgnoredEncoderOutputs { get; internal init; } = [];
    /// <summary>
    /// True when the graphs that run are the files' graphs with nodes added at their edges so that they take and give rows
    /// of floats: a Reshape for image inputs or outputs, the log-variance computed from another spread, symbolic sizes
    /// fixed. The names above (<see cref="EncoderInput"/>, <see cref="EncoderLogVar"/>, <see cref="DecoderOutput"/>) are
    /// those of the graphs that run, which <see cref="CreateSession"/> opens.
    /// </summary>
    public bool GraphsAdapted { get; internal init; }
    /// <summary>True when both graphs carry a weights digest and both matched the files at load; false for a pair without digests.</summary>
    public bool WeightsVerified { get; internal init; }
    /// <summary>The weights digest of the encoder file as read (sha256:…), recorded or not: a fingerprint of its weights and nodes.</summary>
    internal string EncoderWeightsDigest { get; init; } = "";
    /// <summary>The weights digest of the decoder file as read.</summary>
    internal string DecoderWeightsDigest { get; init; } = "";
    /// <summary>The information note given once at load (a pair without weights digests), or null.</summary>
    public string? LoadNote { get; internal init; }

    /// <summary>Conditional pairs: the condition both graphs take as a one-hot vector [K]; null otherwise.</summary>
    public ConditionSpec? Condition { get; internal init; }
    /// <summary>Width K of the condition (0 for an unconditional pair).</summary>
    public int ConditionDim { get; internal init; }
    /// <summary>True when both graphs take a condition.</summary>
    public bool IsConditional => ConditionDim > 0;
    /// <summary>Name of the encoder's condition input, for a conditional pair.</summary>
    internal string? EncoderConditionInput { get; init; }
    /// <summary>Name of the decoder's condition input, for a conditional pair.</summary>
    internal string? DecoderConditionInput { get; init; }
    /// <summary>
    /// The posterior's flow and the encoder's noise input and draw outputs, for a pair whose posterior is not the diagonal
    /// Gaussian; null otherwise. Sampling z from q(z|x) (<see cref="VaeCatalogExtensions.VaeSamplePosterior"/>), the
    /// reconstruction and the anomaly score then go through the flow.
    /// </summary>
    public PosteriorSpec? Posterior { get; internal init; }
    /// <summary>The posterior family of the pair.</summary>
    public PosteriorKind PosteriorKind => Posterior?.Kind ?? PosteriorKind.Gaussian;
    /// <summary>The Gaussian mixture fitted to the training codes, when the pair stores one (for <see cref="LatentSampler.Gmm"/>).</summary>
    public LatentMixture? LatentMixture { get; internal init; }

    /// <summary>The encoder graph as loaded.</summary>
    internal byte[] EncoderBytes { get; }
    /// <summary>The decoder graph as loaded.</summary>
    internal byte[] DecoderBytes { get; }

    /// <summary>The largest feature or latent size a graph may declare: a block of rows is allocated from it.</summary>
    internal const int MaxFeatureDim = 1 << 24;

    /// <summary>Loads <c>encoder.onnx</c> and <c>decoder.onnx</c> from a model folder.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Session options; null for the defaults (CPU).</param>
    /// <param name="likelihood">Overrides (or, for a pair without metadata, supplies) the decoder likelihood.</param>
    /// <exception cref="VaeModelLoadException">A file is missing or damaged, the two files are not a pair, or CUDA was asked for
    /// with <see cref="VaeSessionOptions.AllowCpuFallback"/> off and cannot start; the message names the file.</exception>
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

    /// <summary>
    /// Loads a chain saved with <c>mlContext.Model.Save</c> so that its VaeOnnx transforms score in blocks again. It calls
    /// <see cref="Register"/> and <c>mlContext.Model.Load</c> (so it reads every zip ML.NET reads, with ML.NET's own
    /// checks), then replaces each saved VaeOnnx step (encode, decode, reconstruct, anomaly score) by the block-scoring
    /// transformer, rebuilt from the graphs stored in the zip. <c>mlContext.Model.Load</c> alone gives the same numbers
    /// one row per ONNX Runtime call (4-8x slower on a whole data view): ML.NET 5 keeps the loader of a third-party
    /// transformer's state internal, so what is saved is a chain of ML.NET's own transformers. Zips saved before saved
    /// steps carried a marker load as that stock chain. Dispose the returned transformer (it is <see cref="IDisposable"/>)
    /// to close its sessions.
    /// </summary>
    /// <param name="mlContext">The context to load into.</param>
    /// <param name="path">The zip.</param>
    /// <param name="inputSchema">The input schema saved with the chain.</param>
    /// <param name="options">Session options of the rebuilt transformers (CPU or CUDA, threads, block size); null for the defaults.</param>
    /// <exception cref="VaeModelLoadException">A stored graph does not load (for example CUDA asked for strictly and not available).</exception>
    public static ITransformer LoadChain(MLContext mlContext, string path, out DataViewSchema inputSchema, VaeSessionOptions? options = null) =>
        SavedChainLoader.Load(mlContext, File.ReadAllBytes(path), Path.GetFullPath(path), out inputSchema, options ?? new VaeSessionOptions());

    /// <summary>Loads a saved chain from a stream; see <see cref="LoadChain(MLContext, string, out DataViewSchema, VaeSessionOptions?)"/>.</summary>
    public static ITransformer LoadChain(MLContext mlContext, Stream stream, out DataViewSchema inputSchema, VaeSessionOptions? options = null)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return SavedChainLoader.Load(mlContext, copy.ToArray(), "saved chain", out inputSchema, options ?? new VaeSessionOptions());
    }

    /// <summary>
    /// True when the model holds the graph of <paramref name="role"/>: always for a loaded pair; a model rebuilt from a
    /// saved encode (decode) chain holds only the encoder (decoder) the chain stored.
    /// </summary>
    private bool HasGraph(GraphRole role) => (role == GraphRole.Encoder ? EncoderBytes : DecoderBytes).Length > 0;

    /// <summary>An ONNX Runtime session for one of the pair's graphs, with the pair's options (or <paramref name="options"/>); the caller disposes it.</summary>
    public InferenceSession CreateSession(GraphRole role, VaeSessionOptions? options = null)
    {
        if (!HasGraph(role))
            throw new InvalidOperationException($"this model was rebuilt from a saved chain that stores no {EnumText.Of(role)} graph (pair {PairId})");
        using var sessionOptions = (options ?? Options).CreateSessionOptions(out _);
        return new InferenceSession(role == GraphRole.Encoder ? EncoderBytes : DecoderBytes, sessionOptions);
    }

    /// <summary>
    /// Draws <paramref name="count"/> latent vectors from the prior N(0, I) as a data view with one column (vector of L floats),
    /// ready for <see cref="VaeCatalogExtensions.VaeDecode"/>. The same seed gives the same rows. A conditional pair's view
    /// also has the column <c>Condition</c>, the classes in turn (see <see cref="Sample"/> to choose one).
    /// </summary>
    public IDataView SamplePrior(MLContext mlContext, int count, int seed, string columnName = "z") =>
        Sample(mlContext, count, seed, LatentSampler.Prior, columnName);

    /// <summary>
    /// Draws <paramref name="count"/> latent vectors from <paramref name="sampler"/> (the prior, or the Gaussian mixture the
    /// pair stores) as a data view with the column <paramref name="columnName"/> (vector of L floats) and, for a conditional
    /// pair, <paramref name="conditionColumn"/> (the one-hot vector of K floats): every row <paramref name="condition"/>, or
    /// when it is null the classes in turn (row r gets class r mod K). Ready for <see cref="VaeCatalogExtensions.VaeDecode"/>;
    /// the same seed gives the same rows.
    /// </summary>
    /// <exception cref="InvalidOperationException">The mixture is asked for and the pair has none, or a condition is given to an unconditional pair.</exception>
    /// <exception cref="ArgumentException"><paramref name="condition"/> is not one of the condition's classes.</exception>
    public IDataView Sample(MLContext mlContext, int count, int seed, LatentSampler sampler, string columnName = "Z", string? condition = null,
        string conditionColumn = VaeCatalogExtensions.DefaultConditionColumn)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more");
        if (condition is not null && Condition is null)
            throw new InvalidOperationException($"{EncoderPath}: the pair has no condition, so it cannot sample '{condition}'");
        int fixedClass = condition is null || Condition is null ? -1 : Condition.IndexOf(condition);
        var classes = Condition is null ? null : Enumerable.Range(0, count).Select(r => fixedClass >= 0 ? fixedClass : r % ConditionDim).ToArray();
        var z = sampler switch
        {
            LatentSampler.Prior => PriorDraws(count, seed),
            // A mixture fitted per condition draws each row from its condition's components.
            LatentSampler.Gmm when LatentMixture is { } mixture => classes is null ? mixture.Draw(count, seed) : mixture.DrawFor(classes, seed),
            LatentSampler.Gmm => throw new InvalidOperationException(
                $"{EncoderPath}: the pair stores no latent mixture; export it with --latent-mixture to sample with gmm"),
            _ => throw new ArgumentOutOfRangeException(nameof(sampler), sampler, $"expected {EnumText.Choices<LatentSampler>()}"),
        };
        var rows = new List<LatentRow>(count);
        for (int r = 0; r < count; r++)
            rows.Add(new LatentRow
            {
                Z = z.AsSpan(r * LatentDim, LatentDim).ToArray(),
                Condition = classes is null ? [] : Condition!.OneHot(classes[r]),
            });
        var schema = SchemaDefinition.Create(typeof(LatentRow));
        // The indexer finds a column by its current name: take both before renaming either.
        var (zColumn, cColumn) = (schema[nameof(LatentRow.Z)], schema[nameof(LatentRow.Condition)]);
        (zColumn.ColumnName, zColumn.ColumnType) = (columnName, new VectorDataViewType(NumberDataViewType.Single, LatentDim));
        if (Condition is null) schema.Remove(cColumn);
        else (cColumn.ColumnName, cColumn.ColumnType) = (conditionColumn, new VectorDataViewType(NumberDataViewType.Single, ConditionDim));
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>The one-hot condition vector of <paramref name="value"/>, for a conditional pair's condition column.</summary>
    public float[] ConditionVector(string value) =>
        (Condition ?? throw new InvalidOperationException($"{EncoderPath}: the pair has no condition")).OneHot(value);

    private float[] PriorDraws(int count, int seed)
    {
        var random = new Random(seed);
        var z = new float[(long)count * LatentDim];
        for (int i = 0; i < z.Length; i++) z[i] = (float)StandardNormal(random);
        return z;
    }

    /// <summary>A standard normal draw (Box-Muller), used for prior samples.</summary>
    public static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class LatentRow
    {
        public float[] Z { get; set; } = [];
        public float[] Condition { get; set; } = [];
    }
}
