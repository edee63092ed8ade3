using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Loads a table pair (one whose metadata carries <see cref="VaeMetadataKeys.TableSchema"/>): the encoder takes one input
/// per schema column in order (float [N,1] for numbers, string [N,1] for flags and categories) and gives mu, logvar,
/// features, observed and unknown; the decoder takes z and gives x_hat, logits and one typed output per column. Both
/// graphs run once on two rows before the model is handed out.
/// </summary>
internal static class TablePairLoader
{
    public static VaeModel Load(LoadedGraph encoder, LoadedGraph decoder, PairDigestCheck digests, VaeSessionOptions options, Likelihood? likelihood)
    {
        if (likelihood is Likelihood asked && asked != Likelihood.Mixed)
            throw encoder.Problem($"is a table pair (likelihood mixed); it cannot be scored as {EnumText.Of(asked)}");
        int latent = Dim(encoder, Find(encoder, encoder.Summary.Outputs, TableGraphNames.Mu));
        int features = Dim(encoder, Find(encoder, encoder.Summary.Outputs, TableGraphNames.Features));
        var metadata = PairLoader.ReadMetadata(encoder, decoder, features, latent)!.Value;
        var schema = metadata.Encoder.Table ?? throw encoder.Problem($"metadata '{VaeMetadataKeys.TableSchema}' is missing; expected it in both graphs of a table pair");
        if (metadata.Decoder.Table?.ToJson() != schema.ToJson())
            throw decoder.Problem($"metadata '{VaeMetadataKeys.TableSchema}' differs from {encoder.Path}'s; the encoder and decoder come from different exports");
        CheckEncoder(encoder, schema, latent);
        CheckDecoder(decoder, schema, latent);
        Probe(encoder, decoder, schema, latent);
        var provider = options.ResolveProvider(encoder.Path, encoder.Bytes);
        if (digests.Note is { } note) options.Inform(note);
        return new VaeModel(encoder.Path, decoder.Path, options, encoder.Bytes, decoder.Bytes)
        {
            ExecutionProvider = provider, WeightsVerified = digests.Verified, LoadNote = digests.Note,
            EncoderWeightsDigest = encoder.Summary.WeightsDigest, DecoderWeightsDigest = decoder.Summary.WeightsDigest,
            PairId = metadata.Encoder.PairId, Metadata = metadata.Encoder, InputDim = features, LatentDim = latent, InputShape = [features],
            Likelihood = Likelihood.Mixed, Scaling = FeatureScaling.Identity(features),
            DecoderLogVar = metadata.Decoder.DecoderLogVar ?? new float[features],
            EncoderMu = TableGraphNames.Mu, EncoderLogVar = TableGraphNames.LogVar, DecoderInput = TableGraphNames.Z, DecoderOutput = TableGraphNames.XHat,
        };
    }

    private static void CheckEncoder(LoadedGraph encoder, TableSchema schema, int latent)
    {
        var inputs = encoder.Summary.Inputs;
        if (inputs.Count != schema.Columns.Count || !inputs.Select(i => i.Name).SequenceEqual(schema.Columns.Select(c => c.Name)))
            throw encoder.Problem($"inputs are [{string.Join(", ", inputs.Select(i => i.Name))}]; the table schema expects one per column: [{string.Join(", ", schema.Columns.Select(c => c.Name))}]");
        foreach (var (input, column) in inputs.Zip(schema.Columns))
        {
            if (input.IsString != column.IsText)
                throw encoder.Problem($"input '{input.Name}' has element type {input.ElementType}; a {EnumText.Of(column.Kind)} column is {(column.IsText ? "string" : "float32")}");
            Expect(encoder, input, 1);
        }
        int c = schema.Columns.Count;
        ExpectOutputs(encoder, [(TableGraphNames.Mu, latent), (TableGraphNames.LogVar, latent), (TableGraphNames.Features, schema.FeatureCount),
            (TableGraphNames.Observed, c), (TableGraphNames.Unknown, c)]);
    }

    private static void CheckDecoder(LoadedGraph decoder, TableSchema schema, int latent)
    {
        var inputs = decoder.Summary.Inputs;
        if (inputs.Count != 1 || inputs[0].Name != TableGraphNames.Z) throw decoder.Problem($"inputs are [{string.Join(", ", inputs.Select(i => i.Name))}]; a table decoder has one input z [N, {latent}]");
        Expect(decoder, inputs[0], latent);
        ExpectOutputs(decoder, [(TableGraphNames.XHat, schema.FeatureCount), (TableGraphNames.Logits, schema.FeatureCount), .. schema.Columns.Select(k => (k.Name, 1))]);
        foreach (var column in schema.Columns)
        {
            var output = Find(decoder, decoder.Summary.Outputs, column.Name);
            if (output.IsString != column.IsText)
                throw decoder.Problem($"output '{output.Name}' has element type {output.ElementType}; a {EnumText.Of(column.Kind)} column is {(column.IsText ? "string" : "float32")}");
        }
    }

    private static void ExpectOutputs(LoadedGraph graph, (string Name, int Dim)[] expected)
    {
        var outputs = graph.Summary.Outputs;
        if (outputs.Count != expected.Length || !outputs.Select(o => o.Name).ToHashSet().SetEquals(expected.Select(e => e.Name)))
            throw graph.Problem($"outputs are [{string.Join(", ", outputs.Select(o => o.Name))}]; a table {(graph.Summary.Inputs.Count == 1 ? "decoder" : "encoder")} has [{string.Join(", ", expected.Select(e => e.Name))}]");
        foreach (var (name, dim) in expected) Expect(graph, Find(graph, outputs, name), dim);
    }

    private static OnnxValueInfo Find(LoadedGraph graph, IReadOnlyList<OnnxValueInfo> values, string name) =>
        values.FirstOrDefault(v => v.Name == name) ?? throw graph.Problem($"has no value '{name}'; a table pair's graphs declare {string.Join(", ", TableGraphNames.Reserved)} and one value per column");

    private static void Expect(LoadedGraph graph, OnnxValueInfo value, int dim)
    {
        if (Dim(graph, value) != dim)
            throw graph.Problem($"value '{value.Name}' has shape {value.ShapeText}; expected [N,{dim.ToString(CultureInfo.InvariantCulture)}]");
    }

    private static int Dim(LoadedGraph graph, OnnxValueInfo value)
    {
        var dims = value.Dims;
        if (dims.Count != 2 || dims[0] >= 0 || dims[1] is <= 0 or > VaeModel.MaxFeatureDim)
            throw graph.Problem($"value '{value.Name}' has shape {value.ShapeText}; expected [N, size] with a symbolic batch N and size 1..{VaeModel.MaxFeatureDim}");
        return (int)dims[1];
    }

    /// <summary>Runs both graphs on two typical rows, so that damage which shows only when a graph runs is found at load.</summary>
    private static void Probe(LoadedGraph encoder, LoadedGraph decoder, TableSchema schema, int latent)
    {
        const int rows = 2;
        var inputs = schema.Columns.Select(c => TableInputValues.Typical(c, rows)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using (var results = encoder.Session.Run(runOptions, schema.Columns.Select(c => c.Name).ToArray(), inputs, [TableGraphNames.Mu, TableGraphNames.Features]))
            {
                if (!results[0].GetTensorTypeAndShape().Shape.SequenceEqual([rows, latent]))
                    throw encoder.Problem($"output 'mu' has shape [{string.Join(",", results[0].GetTensorTypeAndShape().Shape)}] on {rows} rows; it declares [N,{latent}]");
            }
            using var z = OrtValue.CreateTensorValueFromMemory(new float[rows * latent], [rows, latent]);
            using var decoded = decoder.Session.Run(runOptions, [TableGraphNames.Z], [z], [TableGraphNames.XHat]);
            if (!decoded[0].GetTensorTypeAndShape().Shape.SequenceEqual([rows, schema.FeatureCount]))
                throw decoder.Problem($"output 'x_hat' has shape [{string.Join(",", decoded[0].GetTensorTypeAndShape().Shape)}] on {rows} rows; it declares [N,{schema.FeatureCount}]");
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(encoder.Path, $"ONNX Runtime cannot run the table pair on {rows} rows ({e.Message.Split('\n')[0]})", e);
        }
        finally
        {
            foreach (var value in inputs) value.Dispose();
        }
    }
}
