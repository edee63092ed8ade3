using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VaeOnnx.Inference.Contract;
using VaeOnnx.Inference.Onnx;

namespace VaeOnnx.Inference;

/// <summary>
/// A loaded encoder/decoder pair. Names, dimensions and metadata are read from the ONNX files at run time, so a new model
/// file swaps in without recompiling. Pairs from other tools load too: one encoder input [N,D], two encoder outputs [N,L]
/// (named mu/mean and logvar/log_var, else mean first and log-variance second) and one decoder input [N,L] / output [N,D].
/// Without VaeOnnx metadata the likelihood is unknown unless given, and the pair id is derived from the files' bytes.
/// </summary>
public sealed class VaeModel
{
    private VaeModel(string encoderPath, string decoderPath, VaeSessionOptions options)
    {
        EncoderPath = encoderPath;
        DecoderPath = decoderPath;
        Options = options;
    }

    /// <summary>Path of the encoder graph.</summary>
    public string EncoderPath { get; }
    /// <summary>Path of the decoder graph.</summary>
    public string DecoderPath { get; }
    /// <summary>Session options used for scoring.</summary>
    public VaeSessionOptions Options { get; }
    /// <summary>Id shared by the two graphs (from metadata, or a hash of both files for pairs without metadata).</summary>
    public string PairId { get; private set; } = "";
    /// <summary>True when the graphs carry VaeOnnx metadata.</summary>
    public bool HasMetadata { get; private set; }
    /// <summary>Flattened input features D.</summary>
    public int InputDim { get; private set; }
    /// <summary>Latent dimension L.</summary>
    public int LatentDim { get; private set; }
    /// <summary>
    /// Most rows one ONNX Runtime call may take: unlimited for graphs with a symbolic batch dimension, 1 for graphs
    /// exported with a fixed batch of one (<c>torch.onnx.export</c> without <c>dynamic_axes</c>), which are scored row by row.
    /// </summary>
    public int MaxBatchRows { get; private set; } = int.MaxValue;
    /// <summary>Shape of one sample, e.g. [1,28,28] or [D].</summary>
    public int[] InputShape { get; private set; } = [];
    /// <summary>"bernoulli", "gaussian", or null when unknown (a pair without metadata loaded without a likelihood).</summary>
    public string? Likelihood { get; private set; }
    /// <summary>Input scaling the model was trained with (identity when unknown).</summary>
    public VaeScaling Scaling { get; private set; } = VaeScaling.Identity(0);
    /// <summary>Gaussian decoders: per-feature log-variance in the scaled space (zeros when unknown).</summary>
    public float[]? DecoderLogVar { get; private set; }
    /// <summary>Feature names of tabular models.</summary>
    public IReadOnlyList<string>? FeatureNames { get; private set; }
    /// <summary>All metadata_props of the encoder.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private set; } = new Dictionary<string, string>();
    /// <summary>Name of the encoder's input.</summary>
    public string EncoderInput { get; private set; } = "";
    /// <summary>Name of the encoder's mean output.</summary>
    public string EncoderMu { get; private set; } = "";
    /// <summary>Name of the encoder's log-variance output.</summary>
    public string EncoderLogVar { get; private set; } = "";
    /// <summary>Name of the decoder's input.</summary>
    public string DecoderInput { get; private set; } = "";
    /// <summary>Name of the decoder's output.</summary>
    public string DecoderOutput { get; private set; } = "";

    /// <summary>Loads <c>encoder.onnx</c> and <c>decoder.onnx</c> from a model folder.</summary>
    public static VaeModel Load(string folder, VaeSessionOptions? options = null, string? likelihood = null)
    {
        if (!Directory.Exists(folder)) throw new VaeModelLoadException($"{folder}: model folder not found; expected a folder with {ModelCard.EncoderFileName} and {ModelCard.DecoderFileName}");
        return Load(Path.Combine(folder, ModelCard.EncoderFileName), Path.Combine(folder, ModelCard.DecoderFileName), options, likelihood);
    }

    /// <summary>Loads a pair from two files; <paramref name="likelihood"/> overrides (or, without metadata, supplies) the decoder likelihood.</summary>
    public static VaeModel Load(string encoderPath, string decoderPath, VaeSessionOptions? options = null, string? likelihood = null)
    {
        if (likelihood is not (null or "bernoulli" or "gaussian")) throw new ArgumentException($"likelihood '{likelihood}'; expected bernoulli or gaussian.");
        var model = new VaeModel(Path.GetFullPath(encoderPath), Path.GetFullPath(decoderPath), options ?? new VaeSessionOptions());
        using var encoder = Describe(model.EncoderPath);
        using var decoder = Describe(model.DecoderPath);
        model.Bind(encoder, decoder, likelihood);
        // Some damage (an operator that changes a shape, a wrong reshape) shows only when a graph runs: find it here, not in the first scored row.
        int probeRows = Math.Min(2, model.MaxBatchRows);
        Probe(encoder, probeRows, model.EncoderInput, model.InputDim, [(model.EncoderMu, model.LatentDim), (model.EncoderLogVar, model.LatentDim)]);
        Probe(decoder, probeRows, model.DecoderInput, model.LatentDim, [(model.DecoderOutput, model.InputDim)]);
        return model;
    }

    /// <summary>
    /// Registers this library with an ML.NET context so that saved chains containing <c>VaeAnomalyScore</c> load
    /// (its float outputs come from a custom mapping, which ML.NET finds by contract name in registered assemblies).
    /// </summary>
    public static void Register(MLContext mlContext) => mlContext.ComponentCatalog.RegisterAssembly(typeof(VaeModel).Assembly);

    /// <summary>Creates an ONNX Runtime session for one of the pair's graphs with the pair's options (or <paramref name="options"/>).</summary>
    public InferenceSession CreateSession(string path, VaeSessionOptions? options = null)
    {
        using var sessionOptions = (options ?? Options).CreateSessionOptions(out _);
        return new InferenceSession(path, sessionOptions);
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

    private sealed record GraphInfo(string Path, InferenceSession Session, IReadOnlyList<(string Name, long[] Dims)> Inputs,
        IReadOnlyList<(string Name, long[] Dims)> Outputs, IReadOnlyDictionary<string, string> Metadata) : IDisposable
    {
        public void Dispose() => Session.Dispose();
    }

    private static GraphInfo Describe(string path)
    {
        if (!File.Exists(path)) throw new VaeModelLoadException($"{path}: file not found");
        try
        {
            // ONNX Runtime decides whether the graph loads and names its inputs and outputs in order; shapes and metadata
            // come from the file itself (see OnnxGraphSignature). A basic session on one thread never touches a GPU.
            using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            var session = new InferenceSession(path, sessionOptions);
            try
            {
                var signature = OnnxGraphSignature.Read(path);
                foreach (var (name, meta) in session.InputMetadata.Concat(session.OutputMetadata))
                    if (meta.ElementDataType != TensorElementType.Float)
                        throw new VaeModelLoadException($"{path}: value '{name}' has element type {meta.ElementDataType}; expected float32");
                var inputs = session.InputMetadata.Keys.Select(name => (name, signature.Dims(name))).ToArray();
                var outputs = session.OutputMetadata.Keys.Select(name => (name, signature.Dims(name))).ToArray();
                return new GraphInfo(path, session, inputs, outputs, signature.Metadata);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new VaeModelLoadException($"{path}: ONNX Runtime cannot load the file ({e.Message.Split('\n')[0]}); expected an ONNX model", e);
        }
        catch (KeyNotFoundException e)
        {
            throw new VaeModelLoadException($"{path}: ONNX Runtime names a value the file does not declare ({e.Message}); expected the graph's own inputs and outputs", e);
        }
    }

    private static void Probe(GraphInfo graph, int rows, string input, int inputDim, (string Name, int Dim)[] outputs)
    {
        // Two rows where the batch is symbolic, so that a graph which only works for a batch of one is found too.
        var values = new float[rows * inputDim];
        Array.Fill(values, 0.5f);
        string Declared(int dim) => $"[{(rows == 1 ? "1" : "N")},{dim}]";
        try
        {
            using var x = OrtValue.CreateTensorValueFromMemory(values, [rows, inputDim]);
            using var runOptions = new RunOptions();
            using var results = graph.Session.Run(runOptions, [input], [x], outputs.Select(o => o.Name).ToArray());
            for (int i = 0; i < outputs.Length; i++)
            {
                var shape = results[i].GetTensorTypeAndShape().Shape;
                if (!shape.SequenceEqual([rows, outputs[i].Dim]))
                    throw new VaeModelLoadException($"{graph.Path}: output '{outputs[i].Name}' has shape [{string.Join(",", shape)}] when the graph runs on {rows} rows; it declares {Declared(outputs[i].Dim)}");
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new VaeModelLoadException($"{graph.Path}: ONNX Runtime cannot run the graph on {rows} rows ({e.Message.Split('\n')[0]}); expected it to map [N,{inputDim}] to {string.Join(" and ", outputs.Select(o => $"{o.Name} {Declared(o.Dim)}"))}", e);
        }
    }

    private void Bind(GraphInfo encoder, GraphInfo decoder, string? likelihood)
    {
        if (encoder.Inputs.Count != 1) throw Shape(encoder, $"{encoder.Inputs.Count} inputs; an encoder has one input x [N, D]");
        if (encoder.Outputs.Count != 2) throw Shape(encoder, $"{encoder.Outputs.Count} outputs; an encoder has two outputs, mu [N, L] and logvar [N, L]");
        if (decoder.Inputs.Count != 1) throw Shape(decoder, $"{decoder.Inputs.Count} inputs; a decoder has one input z [N, L]");
        if (decoder.Outputs.Count != 1) throw Shape(decoder, $"{decoder.Outputs.Count} outputs; a decoder has one output x_hat [N, D]");
        EncoderInput = encoder.Inputs[0].Name;
        InputDim = FeatureDim(encoder, encoder.Inputs[0]);
        var (muIndex, logVarIndex) = MeanAndLogVariance(encoder.Outputs.Select(o => o.Name).ToArray());
        EncoderMu = encoder.Outputs[muIndex].Name;
        EncoderLogVar = encoder.Outputs[logVarIndex].Name;
        LatentDim = FeatureDim(encoder, encoder.Outputs[muIndex]);
        if (FeatureDim(encoder, encoder.Outputs[logVarIndex]) != LatentDim) throw Shape(encoder, "mu and logvar have different sizes");
        DecoderInput = decoder.Inputs[0].Name;
        DecoderOutput = decoder.Outputs[0].Name;
        int decoderLatent = FeatureDim(decoder, decoder.Inputs[0]);
        if (decoderLatent != LatentDim)
            throw new VaeModelLoadException($"{decoder.Path}: takes a latent of {decoderLatent} but {encoder.Path} produces {LatentDim}; the two files are not a pair");
        int decoderOut = FeatureDim(decoder, decoder.Outputs[0]);
        if (decoderOut != InputDim)
            throw new VaeModelLoadException($"{decoder.Path}: outputs {decoderOut} features but {encoder.Path} takes {InputDim}; the two files are not a pair");
        bool fixedBatch = false;
        foreach (var graph in new[] { encoder, decoder })
            foreach (var value in graph.Inputs.Concat(graph.Outputs))
                fixedBatch |= FixedBatchOfOne(graph, value);
        MaxBatchRows = fixedBatch ? 1 : int.MaxValue;

        Metadata = encoder.Metadata;
        static bool Stamped(GraphInfo g) => g.Metadata.Keys.Any(k => k.StartsWith(VaeMetadataKeys.Prefix, StringComparison.Ordinal));
        HasMetadata = Stamped(encoder) || Stamped(decoder);
        InputShape = [InputDim];
        Scaling = VaeScaling.Identity(InputDim);
        if (HasMetadata)
        {
            var e = encoder.Metadata;
            var d = decoder.Metadata;
            string Require(GraphInfo g, string key) => g.Metadata.TryGetValue(key, out var v) ? v
                : throw new VaeModelLoadException($"{g.Path}: metadata '{key}' is missing; expected it in every VaeOnnx graph");
            if (!Stamped(encoder)) throw new VaeModelLoadException($"{encoder.Path}: has no VaeOnnx metadata but {decoder.Path} does; the two files are not a pair");
            if (!Stamped(decoder)) throw new VaeModelLoadException($"{decoder.Path}: has no VaeOnnx metadata but {encoder.Path} does; the two files are not a pair");
            if (Require(encoder, VaeMetadataKeys.FormatVersion) != VaeMetadataKeys.CurrentFormatVersion)
                throw new VaeModelLoadException($"{encoder.Path}: metadata format version {e[VaeMetadataKeys.FormatVersion]}; this library reads {VaeMetadataKeys.CurrentFormatVersion}");
            if (Require(encoder, VaeMetadataKeys.Role) != "encoder") throw new VaeModelLoadException($"{encoder.Path}: metadata role is '{e[VaeMetadataKeys.Role]}'; expected encoder");
            if (Require(decoder, VaeMetadataKeys.FormatVersion) != VaeMetadataKeys.CurrentFormatVersion)
                throw new VaeModelLoadException($"{decoder.Path}: metadata format version {d[VaeMetadataKeys.FormatVersion]}; this library reads {VaeMetadataKeys.CurrentFormatVersion}");
            if (Require(decoder, VaeMetadataKeys.Role) != "decoder") throw new VaeModelLoadException($"{decoder.Path}: metadata role is '{d[VaeMetadataKeys.Role]}'; expected decoder");
            PairId = Require(encoder, VaeMetadataKeys.PairId);
            if (Require(decoder, VaeMetadataKeys.PairId) != PairId)
                throw new VaeModelLoadException($"{decoder.Path}: pair id {d[VaeMetadataKeys.PairId]} differs from {encoder.Path}'s {PairId}; the encoder and decoder come from different exports");
            if (!int.TryParse(Require(encoder, VaeMetadataKeys.LatentDim), NumberStyles.None, CultureInfo.InvariantCulture, out int latent) || latent != LatentDim)
                throw new VaeModelLoadException($"{encoder.Path}: metadata latent_dim {e[VaeMetadataKeys.LatentDim]} disagrees with the graph's {LatentDim}");
            Likelihood = likelihood ?? Require(encoder, VaeMetadataKeys.Likelihood);
            if (Likelihood is not ("bernoulli" or "gaussian"))
                throw new VaeModelLoadException($"{encoder.Path}: metadata likelihood '{Likelihood}'; expected bernoulli or gaussian");
            if (e.TryGetValue(VaeMetadataKeys.InputShape, out var shape))
            {
                var dims = shape.Split('x').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
                if (dims.Any(v => v <= 0) || dims.Aggregate(1, (a, b) => a * b) != InputDim)
                    throw new VaeModelLoadException($"{encoder.Path}: metadata input_shape '{shape}' does not hold {InputDim} features");
                InputShape = dims;
            }
            if (e.TryGetValue(VaeMetadataKeys.Scaling, out var scaling)) Scaling = VaeScaling.Parse(scaling, InputDim, encoder.Path);
            if (e.TryGetValue(VaeMetadataKeys.FeatureNames, out var names))
            {
                FeatureNames = ParseJson<string[]>(names, encoder.Path, VaeMetadataKeys.FeatureNames);
                if (FeatureNames.Count != InputDim) throw new VaeModelLoadException($"{encoder.Path}: {FeatureNames.Count} feature names for {InputDim} features");
            }
            if (d.TryGetValue(VaeMetadataKeys.DecoderLogVar, out var logvar))
            {
                DecoderLogVar = ParseJson<float[]>(logvar, decoder.Path, VaeMetadataKeys.DecoderLogVar);
                if (DecoderLogVar.Length != InputDim || DecoderLogVar.Any(v => !float.IsFinite(v)))
                    throw new VaeModelLoadException($"{decoder.Path}: metadata '{VaeMetadataKeys.DecoderLogVar}' must hold {InputDim} finite values");
            }
        }
        else
        {
            Likelihood = likelihood;
            PairId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(encoder.Path).Concat(File.ReadAllBytes(decoder.Path)).ToArray()))[..16];
        }
        if (Likelihood == "gaussian") DecoderLogVar ??= new float[InputDim];
    }

    private static T ParseJson<T>(string json, string path, string key)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw new VaeModelLoadException($"{path}: metadata '{key}' is empty");
        }
        catch (JsonException e)
        {
            throw new VaeModelLoadException($"{path}: metadata '{key}' is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>Finds mean and log-variance among two output names: by name when they say so, else in order.</summary>
    private static (int Mu, int LogVar) MeanAndLogVariance(string[] names)
    {
        static bool IsLogVar(string n) => n.Contains("logvar", StringComparison.OrdinalIgnoreCase) || n.Contains("log_var", StringComparison.OrdinalIgnoreCase)
            || n.Contains("logsigma", StringComparison.OrdinalIgnoreCase);
        if (IsLogVar(names[0]) && !IsLogVar(names[1])) return (1, 0);
        return (0, 1);
    }

    /// <summary>The largest feature or latent size a graph may declare: a block of rows is allocated from it.</summary>
    public const int MaxFeatureDim = 1 << 24;

    private static string DimsText(long[] dims) => $"[{string.Join(",", dims.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)))}]";

    private static int FeatureDim(GraphInfo graph, (string Name, long[] Dims) value)
    {
        // [N, K] with a fixed positive feature size K (the batch dimension is checked by FixedBatchOfOne).
        if (value.Dims.Length != 2) throw Shape(graph, $"value '{value.Name}' has rank {value.Dims.Length} {DimsText(value.Dims)}; expected [N, size]");
        if (value.Dims[1] is <= 0 or > MaxFeatureDim)
            throw Shape(graph, $"value '{value.Name}' has {(value.Dims[1] < 0 ? "no fixed size" : $"size {value.Dims[1]}")} in dimension 1 {DimsText(value.Dims)}; expected [N, size] with size 1..{MaxFeatureDim}");
        return (int)value.Dims[1];
    }

    private static bool FixedBatchOfOne(GraphInfo graph, (string Name, long[] Dims) value) => value.Dims[0] switch
    {
        < 0 => false,
        1 => true,
        _ => throw Shape(graph, $"value '{value.Name}' has a fixed batch size {value.Dims[0]} {DimsText(value.Dims)}; expected a symbolic batch dimension [N, size] (or a batch of 1, scored row by row)"),
    };

    private static VaeModelLoadException Shape(GraphInfo graph, string problem) => new($"{graph.Path}: {problem}");
}
