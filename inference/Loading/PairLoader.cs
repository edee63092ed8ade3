using System.Security.Cryptography;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Loads a pair: both files through the contract's reader and ONNX Runtime, their declarations bound (<see cref="PairShapes"/>),
/// their VaeOnnx metadata checked against each other, and both graphs run once on a probe batch.
/// </summary>
internal static class PairLoader
{
    public static VaeModel Load(string encoderPath, string decoderPath, VaeSessionOptions options, Likelihood? likelihood)
    {
        try
        {
            using var encoder = LoadedGraph.Open(encoderPath);
            using var decoder = LoadedGraph.Open(decoderPath);
            if (encoder.Properties.ContainsKey(VaeMetadataKeys.TableSchema) || decoder.Properties.ContainsKey(VaeMetadataKeys.TableSchema))
                return TablePairLoader.Load(encoder, decoder, options, likelihood);
            if (likelihood == Likelihood.Mixed)
                throw encoder.Problem("likelihood mixed was asked for, but the pair has no table schema; mixed is for table pairs exported by VaeOnnx");
            var shapes = PairShapes.Bind(encoder, decoder);
            var metadata = ReadMetadata(encoder, decoder, shapes);
            var model = Create(encoder, decoder, shapes, metadata, options, likelihood);
            // Some damage (an operator that changes a shape, a wrong reshape) shows only when a graph runs: find it here, not in the first scored row.
            int rows = Math.Min(2, shapes.MaxBatchRows);
            LoadProbe.Run(encoder, rows, shapes.EncoderInput, shapes.InputDim, [(shapes.EncoderMu, shapes.LatentDim), (shapes.EncoderLogVar, shapes.LatentDim)]);
            LoadProbe.Run(decoder, rows, shapes.DecoderInput, shapes.LatentDim, [(shapes.DecoderOutput, shapes.InputDim)]);
            return model;
        }
        catch (ModelFileException e)
        {
            throw new VaeModelLoadException(e.Message, e);
        }
    }

    /// <summary>The encoder's and decoder's metadata, or null for a pair from another tool; a half-stamped or mixed-up pair is refused.</summary>
    internal static (PairMetadata Encoder, PairMetadata Decoder)? ReadMetadata(LoadedGraph encoder, LoadedGraph decoder, PairShapes shapes)
    {
        bool encoderStamped = PairMetadata.IsStamped(encoder.Properties), decoderStamped = PairMetadata.IsStamped(decoder.Properties);
        if (!encoderStamped && !decoderStamped) return null;
        if (!encoderStamped) throw encoder.Problem($"has no VaeOnnx metadata but {decoder.Path} does; the two files are not a pair");
        if (!decoderStamped) throw decoder.Problem($"has no VaeOnnx metadata but {encoder.Path} does; the two files are not a pair");
        var e = PairMetadata.Read(encoder.Properties, encoder.Path, GraphRole.Encoder, shapes.InputDim, shapes.LatentDim);
        var d = PairMetadata.Read(decoder.Properties, decoder.Path, GraphRole.Decoder, shapes.InputDim, shapes.LatentDim);
        if (d.PairId != e.PairId)
            throw decoder.Problem($"pair id {d.PairId} differs from {encoder.Path}'s {e.PairId}; the encoder and decoder come from different exports");
        return (e, d);
    }

    private static VaeModel Create(LoadedGraph encoder, LoadedGraph decoder, PairShapes shapes, (PairMetadata Encoder, PairMetadata Decoder)? metadata,
        VaeSessionOptions options, Likelihood? likelihood)
    {
        var e = metadata?.Encoder;
        var resolved = likelihood ?? e?.Likelihood;
        return new VaeModel(encoder.Path, decoder.Path, options, encoder.Bytes, decoder.Bytes)
        {
            PairId = e?.PairId ?? ContentId(encoder.Bytes, decoder.Bytes),
            Metadata = e,
            InputDim = shapes.InputDim,
            LatentDim = shapes.LatentDim,
            MaxBatchRows = shapes.MaxBatchRows,
            InputShape = e?.InputShape ?? [shapes.InputDim],
            Likelihood = resolved,
            Scaling = e?.Scaling ?? FeatureScaling.Identity(shapes.InputDim),
            DecoderLogVar = resolved == Contract.Likelihood.Gaussian ? metadata?.Decoder.DecoderLogVar ?? new float[shapes.InputDim] : null,
            EncoderInput = shapes.EncoderInput, EncoderMu = shapes.EncoderMu, EncoderLogVar = shapes.EncoderLogVar,
            DecoderInput = shapes.DecoderInput, DecoderOutput = shapes.DecoderOutput,
        };
    }

    /// <summary>The id of a pair without metadata: a hash of both files, so the same files always get the same id.</summary>
    private static string ContentId(byte[] encoder, byte[] decoder) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. encoder, .. decoder]))[..16];
}
