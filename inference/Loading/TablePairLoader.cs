using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// Loads a table pair (one whose metadata carries <see cref="VaeMetadataKeys.TableSchema"/>): the encoder takes one input
/// per schema column in order (float [N,1] for numbers, string [N,1] for flags and categories) and gives mu, logvar,
/// features, observed and unknown; the decoder takes z and gives x_hat, logits and one typed output per column. Both
/// graphs run once on two rows before the model is handed out. A conditional table pair (metadata
/// <see cref="VaeMetadataKeys.Condition"/> in both graphs) also takes the one-hot condition c [N, K] in both graphs, after
/// the columns in the encoder and after z in the decoder.
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
        var condition = Condition(encoder, decoder, metadata.Encoder.Condition, metadata.Decoder.Condition, schema);
        CheckEncoder(encoder, schema, latent, condition);
        CheckDecoder(decoder, schema, latent, condition);
        Probe(encoder, decoder, schema, latent, condition);
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
            Condition = condition?.Spec, ConditionDim = condition?.Classes.Count ?? 0,
            EncoderConditionInput = condition?.Input, DecoderConditionInput = condition?.Input,
        };
    }

    /// <summary>The condition both graphs record, or null; one graph alone, other classes or a name that is a column are refused.</summary>
    private static ConditionInput? Condition(LoadedGraph encoder, LoadedGraph decoder, ConditionInput? e, ConditionInput? d, TableSchema schema)
    {
        if ((e is null) != (d is null))
            throw (e is null ? encoder : decoder).Problem($"has no '{VaeMetadataKeys.Condition}' but {(e is null ? decoder : encoder).Path} does; both graphs of a conditional pair take the condition");
        if (e is null) return null;
        if (!e.Classes.SequenceEqual(d!.Classes) || e.Input != d.Input || e.Column != d.Column)
            throw decoder.Problem($"metadata '{VaeMetadataKeys.Condition}' differs from {encoder.Path}'s; the two files are not a pair");
        if (schema.Column(e.Input) is not null || schema.Column(e.Column) is not null || TableGraphNames.Reserved.Contains(e.Input))
            throw encoder.Problem($"metadata '{VaeMetadataKeys.Condition}' names input '{e.Input}' for column '{e.Column}'; neither may be a feature column or one of the pair's own values ({string.Join(", ", TableGraphNames.Reserved)})");
        return e;
    }

    private static void CheckEncoder(LoadedGraph encoder, TableSchema schema, int latent, ConditionInput? condition)
    {
        var inputs = encoder.Summary.Inputs;
        string[] expected = [.. schema.Columns.Select(c => c.Name), .. condition is null ? [] : new[] { condition.Input }];
        if (!inputs.Select(i => i.Name).SequenceEqual(expected))
            throw encoder.Problem($"inputs are [{string.Join(", ", inputs.Select(i => i.Name))}]; the table schema expects one per column{(condition is null ? "" : " and the condition")}: [{string.Join(", ", expected)}]");
        if (condition is not null)
        {
            if (inputs[^1].IsString) throw encoder.Problem($"condition input '{condition.Input}' has element type {inputs[^1].ElementType}; expected float32");
            Expect(encoder, inputs[^1], condition.Classes.Count);
        }
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

    private static void CheckDecoder(LoadedGraph decoder, TableSchema schema, int latent, ConditionInput? condition)
    {
        var inputs = decoder.Summary.Inputs;
        if (condition is null && (inputs.Count != 1 || inputs[0].Name != TableGraphNames.Z))
            throw decoder.Problem($"inputs are [{string.Join(", ", inputs.Select(i => i.Name))}]; a table decoder has one input z [N, {latent}]");
        if (condition is not null && (inputs.Count != 2 || inputs[0].Name != TableGraphNames.Z || inputs[1].Name != condition.Input))
            throw decoder.Problem($"inputs are [{string.Join(", ", inputs.Select(i => i.Name))}]; a conditional table decoder has z [N, {latent}] and {condition.Input} [N, {condition.Classes.Count}]");
        Expect(decoder, inputs[0], latent);
        if (condition is not null)
        {
            if (inputs[1].IsString) throw decoder.Problem($"condition input '{condition.Input}' has element type {inputs[1].ElementType}; expected float32");
            Expect(decoder, inputs[1], condition.Classes.Count);
        }
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
    private static void Probe(LoadedGraph encoder, LoadedGraph decoder, TableSchema schema, int latent, ConditionInput? condition)
    {
        const int rows = 2;
        var inputs = schema.Columns.Select(c => TableInputValues.Typical(c, rows)).ToList();
        int k = condition?.Classes.Count ?? 0;
        // The first class for both rows.
        var oneHot = new float[rows * k];
        for (int r = 0; r < rows && k > 0; r++) oneHot[r * k] = 1f;
        string[] encoderInputs = [.. schema.Columns.Select(c => c.Name), .. condition is null ? [] : new[] { condition.Input }];
        if (condition is not null) inputs.Add(OrtValue.CreateTensorValueFromMemory(oneHot, [rows, k]));
        try
        {
            using var runOptions = new RunOptions();
            using (var results = encoder.Session.Run(runOptions, encoderInputs, inputs, [TableGraphNames.Mu, TableGraphNames.Features]))
            {
                if (!results[0].GetTensorTypeAndShape().Shape.SequenceEqual([rows, latent]))
                    throw encoder.Problem($"output 'mu' has shape [{string.Join(",", results[0].GetTensorTypeAndShape().Shape)}] on {rows} rows; it declares [N,{latent}]");
            }
            using var z = OrtValue.CreateTensorValueFromMemory(new float[rows * latent], [rows, latent]);
            using var decoded = condition is null ? decoder.Session.Run(runOptions, [TableGraphNames.Z], [z], [TableGraphNames.XHat])
                : decoder.Session.Run(runOptions, [TableGraphNames.Z, condition.Input], [z, inputs[^1]], [TableGraphNames.XHat]);
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
