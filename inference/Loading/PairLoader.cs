using System.Security.Cryptography;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Loads a pair: both files through the contract's reader (weights digests checked) and ONNX Runtime, their declarations
/// bound (<see cref="PairShapes"/>), sizes they leave symbolic found by running them, their VaeOnnx metadata checked
/// against each other, graphs from other tools adapted to rows of D floats (<see cref="GraphAdapter"/>), and both graphs
/// run once on a probe batch, and the execution provider settled (strict CUDA that cannot start is refused here, not at
/// the first Fit). <see cref="LoadSaved"/> rebuilds the model of a saved chain from the graphs the zip stores.
/// </summary>
internal static class PairLoader
{
    public static VaeModel Load(string encoderPath, string decoderPath, VaeSessionOptions options, Likelihood? likelihood)
    {
        try
        {
            using var encoder = LoadedGraph.Open(encoderPath);
            using var decoder = LoadedGraph.Open(decoderPath);
            var digests = PairDigestCheck.Of(encoder.Summary, decoder.Summary);
            if (digests.Problems.Count > 0) throw digests.Problems[0];
            if (encoder.Properties.ContainsKey(VaeMetadataKeys.TableSchema) || decoder.Properties.ContainsKey(VaeMetadataKeys.TableSchema))
                return TablePairLoader.Load(encoder, decoder, digests, options, likelihood);
            if (likelihood == Likelihood.Mixed)
                throw encoder.Problem("likelihood mixed was asked for, but the pair has no table schema; mixed is for table pairs exported by VaeOnnx");
            var shapes = PairShapes.Bind(encoder, decoder);
            int rows = Math.Min(2, shapes.MaxBatchRows);
            int latentDim = shapes.DeclaredLatentDim ?? LoadProbe.LatentDim(encoder, rows, shapes);
            if (!shapes.DecoderOutputDeclared)
                shapes.Sample.CheckDecoderOutput(decoder, shapes.DecoderOutput, LoadProbe.DecoderOutput(decoder, rows, shapes, latentDim), encoder.Path, shapes.EncoderInput);
            var metadata = ReadMetadata(encoder, decoder, shapes.InputDim, latentDim);
            var names = GraphAdapter.Adapt(encoder, decoder, shapes, latentDim);
            // Some damage (an operator that changes a shape, a wrong reshape) shows only when a graph runs: find it here, not in the first scored row.
            Probe(encoder, decoder, shapes, names, latentDim, rows);
            var provider = options.ResolveProvider(encoder.Path, encoder.Bytes);
            var model = Create(encoder, decoder, shapes, latentDim, names, metadata, digests, options, provider, likelihood);
            if (digests.Note is { } note) options.Inform(note);
            return model;
        }
        catch (ModelFileException e)
        {
            throw new VaeModelLoadException(e.Message, e);
        }
    }

    /// <summary>Runs both graphs on <paramref name="rows"/> rows of every input they take, the marked ones (condition, flow noise) included.</summary>
    private static void Probe(LoadedGraph encoder, LoadedGraph decoder, PairShapes shapes, GraphAdapter.Names names, int latentDim, int rows)
    {
        var (l, x) = ((long)latentDim, (long)shapes.InputDim);
        var conditionAndPosterior = shapes.ConditionAndPosterior;
        var encoderInputs = new List<(string, long[])> { (names.EncoderInput, [x]) };
        var encoderOutputs = new List<(string, long[])> { (names.EncoderMu, [l]), (names.EncoderLogVar, [l]) };
        var decoderInputs = new List<(string, long[])> { (names.DecoderInput, [l]) };
        if (conditionAndPosterior.EncoderCondition is { } c)
        {
            encoderInputs.Add((c.Input, [shapes.ConditionDim]));
            decoderInputs.Add((conditionAndPosterior.DecoderCondition!.Input, [shapes.ConditionDim]));
        }
        if (conditionAndPosterior.Posterior is { } p)
        {
            // Two draws per row, so that a graph which only works for one draw is found here too.
            encoderInputs.Add((p.EpsInput, [2, l]));
            encoderOutputs.AddRange([(p.ZOutput, [2, l]), (p.LogQOutput, [2])]);
        }
        LoadProbe.Run(encoder, rows, [.. encoderInputs], [.. encoderOutputs]);
        LoadProbe.Run(decoder, rows, [.. decoderInputs], [(names.DecoderOutput, [x])]);
    }

    /// <summary>
    /// Rebuilds the model of a saved chain from the graphs the chain stored: both, or only the encoder (an encode chain) or
    /// only the decoder (a decode chain), with the pair id the chain recorded (<paramref name="source"/> names the chain in
    /// errors). The graphs get the same checks as files.
    /// </summary>
    public static VaeModel LoadSaved(string source, byte[]? encoderBytes, byte[]? decoderBytes, string pairId, VaeSessionOptions options, Likelihood? likelihood)
    {
        try
        {
            using var encoder = encoderBytes is null ? null : LoadedGraph.FromBytes($"{source}: saved encoder", encoderBytes);
            using var decoder = decoderBytes is null ? null : LoadedGraph.FromBytes($"{source}: saved decoder", decoderBytes);
            if (encoder is not null && decoder is not null && encoder.Properties.ContainsKey(VaeMetadataKeys.TableSchema))
                return SavedTable(encoder, decoder, pairId, options, likelihood);
            var shapes = (encoder, decoder) switch
            {
                (not null, not null) => SavedGraphShapes.Bind(encoder, decoder),
                (not null, null) => SavedGraphShapes.BindEncoder(encoder),
                (null, not null) => SavedGraphShapes.BindDecoder(decoder),
                _ => throw new ArgumentException("a saved chain holds at least one graph"),
            };
            var e = StampedMetadata(encoder, GraphRole.Encoder, shapes, pairId);
            var d = StampedMetadata(decoder, GraphRole.Decoder, shapes, pairId);
            Probe(encoder, decoder, shapes);
            var graph = (encoder ?? decoder)!;
            var provider = options.ResolveProvider(graph.Path, graph.Bytes);
            return CreateSaved(encoder, decoder, shapes, e ?? d, d, options, provider, likelihood, pairId);
        }
        catch (ModelFileException e)
        {
            throw new VaeModelLoadException(e.Message, e);
        }
    }

    /// <summary>A saved table step's pair: both graphs carry the schema and their digests, checked as for files.</summary>
    private static VaeModel SavedTable(LoadedGraph encoder, LoadedGraph decoder, string pairId, VaeSessionOptions options, Likelihood? likelihood)
    {
        var digests = PairDigestCheck.Of(encoder.Summary, decoder.Summary);
        if (digests.Problems.Count > 0) throw digests.Problems[0];
        var model = TablePairLoader.Load(encoder, decoder, digests, options, likelihood);
        if (model.PairId != pairId) throw encoder.Problem($"pair id {model.PairId} differs from the {pairId} the saved chain records");
        return model;
    }

    private static PairMetadata? StampedMetadata(LoadedGraph? graph, GraphRole role, SavedGraphShapes shapes, string pairId)
    {
        if (graph is null || !PairMetadata.IsStamped(graph.Properties)) return null;
        var metadata = PairMetadata.Read(graph.Properties, graph.Path, role, shapes.InputDim, shapes.LatentDim);
        if (metadata.PairId != pairId) throw graph.Problem($"pair id {metadata.PairId} differs from the {pairId} the saved chain records");
        return metadata;
    }

    /// <summary>Some damage (an operator that changes a shape, a wrong reshape) shows only when a graph runs: find it here, not in the first scored row.</summary>
    private static void Probe(LoadedGraph? encoder, LoadedGraph? decoder, SavedGraphShapes shapes)
    {
        int rows = Math.Min(2, shapes.MaxBatchRows);
        if (encoder is not null)
            LoadProbe.Run(encoder, rows, shapes.EncoderInput, shapes.InputDim, [(shapes.EncoderMu, shapes.LatentDim), (shapes.EncoderLogVar, shapes.LatentDim)]);
        if (decoder is not null)
            LoadProbe.Run(decoder, rows, shapes.DecoderInput, shapes.LatentDim, [(shapes.DecoderOutput, shapes.InputDim)]);
    }

    /// <summary>The encoder's and decoder's metadata, or null for a pair from another tool; a half-stamped or mixed-up pair is refused.</summary>
    internal static (PairMetadata Encoder, PairMetadata Decoder)? ReadMetadata(LoadedGraph encoder, LoadedGraph decoder, int inputDim, int latentDim)
    {
        bool encoderStamped = PairMetadata.IsStamped(encoder.Properties), decoderStamped = PairMetadata.IsStamped(decoder.Properties);
        if (!encoderStamped && !decoderStamped) return null;
        if (!encoderStamped) throw PairMetadata.NotStamped(encoder.Path, decoder.Path);
        if (!decoderStamped) throw PairMetadata.NotStamped(decoder.Path, encoder.Path);
        var e = PairMetadata.Read(encoder.Properties, encoder.Path, GraphRole.Encoder, inputDim, latentDim);
        var d = PairMetadata.Read(decoder.Properties, decoder.Path, GraphRole.Decoder, inputDim, latentDim);
        if (d.PairId != e.PairId)
            throw decoder.Problem($"pair id {d.PairId} differs from {encoder.Path}'s {e.PairId}; the encoder and decoder come from different exports");
        return (e, d);
    }

    private static VaeModel Create(LoadedGraph encoder, LoadedGraph decoder, PairShapes shapes, int latentDim, GraphAdapter.Names names,
        (PairMetadata Encoder, PairMetadata Decoder)? metadata, PairDigestCheck digests, VaeSessionOptions options, VaeExecutionProvider provider,
        Likelihood? likelihood)
    {
        var e = metadata?.Encoder;
        var resolved = likelihood ?? e?.Likelihood;
        var inputShape = e?.InputShape ?? shapes.Sample.Dims;
        // Our image exports take [N, D] rows of NCHW-flattened pixels and say so in vaeonnx.input_shape (C x H x W).
        var image = shapes.Sample.Image ?? (e is not null && inputShape.Length == 3 ? new ImageShape(inputShape[0], inputShape[1], inputShape[2], InputLayout.Nchw) : null);
        return new VaeModel(encoder.Path, decoder.Path, options, encoder.Bytes, decoder.Bytes)
        {
            PairId = e?.PairId ?? ContentId(encoder.FileBytes, decoder.FileBytes),
            ExecutionProvider = provider,
            Metadata = e,
            InputDim = shapes.InputDim,
            LatentDim = latentDim,
            MaxBatchRows = shapes.MaxBatchRows,
            InputShape = inputShape,
            Image = image,
            Likelihood = resolved,
            Scaling = e?.Scaling ?? FeatureScaling.Identity(shapes.InputDim),
            DecoderLogVar = resolved == Contract.Likelihood.Gaussian ? metadata?.Decoder.DecoderLogVar ?? new float[shapes.InputDim] : null,
            EncoderInput = names.EncoderInput, EncoderMu = names.EncoderMu, EncoderLogVar = names.EncoderLogVar,
            DecoderInput = names.DecoderInput, DecoderOutput = names.DecoderOutput,
            EncoderSpread = shapes.Spread.Name, EncoderSpreadKind = shapes.SpreadKind,
            IgnoredEncoderOutputs = shapes.Ignored.Select(o => o.Name).ToArray(),
            GraphsAdapted = !ReferenceEquals(encoder.Bytes, encoder.FileBytes) || !ReferenceEquals(decoder.Bytes, decoder.FileBytes),
            WeightsVerified = digests.Verified,
            EncoderWeightsDigest = encoder.Summary.WeightsDigest,
            DecoderWeightsDigest = decoder.Summary.WeightsDigest,
            LoadNote = digests.Note,
            Condition = shapes.ConditionAndPosterior.EncoderCondition?.Spec, ConditionDim = shapes.ConditionDim,
            EncoderConditionInput = shapes.ConditionAndPosterior.EncoderCondition?.Input, DecoderConditionInput = shapes.ConditionAndPosterior.DecoderCondition?.Input,
            Posterior = shapes.ConditionAndPosterior.Posterior, LatentMixture = e?.LatentMixture,
        };
    }

    private static VaeModel CreateSaved(LoadedGraph? encoder, LoadedGraph? decoder, SavedGraphShapes shapes, PairMetadata? e, PairMetadata? decoderMetadata,
        VaeSessionOptions options, VaeExecutionProvider provider, Likelihood? likelihood, string pairId)
    {
        var resolved = likelihood ?? e?.Likelihood;
        return new VaeModel(encoder?.Path ?? "", decoder?.Path ?? "", options, encoder?.Bytes ?? [], decoder?.Bytes ?? [])
        {
            PairId = pairId,
            ExecutionProvider = provider,
            Metadata = e,
            InputDim = shapes.InputDim,
            LatentDim = shapes.LatentDim,
            MaxBatchRows = shapes.MaxBatchRows,
            InputShape = e?.InputShape ?? [shapes.InputDim],
            Likelihood = resolved,
            Scaling = e?.Scaling ?? FeatureScaling.Identity(shapes.InputDim),
            DecoderLogVar = resolved == Contract.Likelihood.Gaussian ? decoderMetadata?.DecoderLogVar ?? new float[shapes.InputDim] : null,
            EncoderInput = shapes.EncoderInput, EncoderMu = shapes.EncoderMu, EncoderLogVar = shapes.EncoderLogVar,
            DecoderInput = shapes.DecoderInput, DecoderOutput = shapes.DecoderOutput,
        };
    }

    /// <summary>The id of a pair without metadata: a hash of both files, so the same files always get the same id.</summary>
    private static string ContentId(byte[] encoder, byte[] decoder) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. encoder, .. decoder]))[..16];
}
