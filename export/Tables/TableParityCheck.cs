using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Tables;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// Runs a written table pair in ONNX Runtime on raw rows and compares it with the TorchSharp model fed by the C#
/// featuriser: the graphs' features, observed and unknown masks with the featuriser's, mu and logvar to
/// <see cref="EncoderAllowance"/>, x_hat (softmax / sigmoid / mean per feature) to the same tolerance, and every typed
/// output with the most probable value computed from the reference parameters.
/// </summary>
internal static class TableParityCheck
{
    /// <summary>Largest |feature| of a row for which mu and logvar are held to the flat <see cref="ParityCheck.Tolerance"/>.</summary>
    private const float FlatToleranceFeatures = 10;

    /// <summary>
    /// Largest |ONNX - TorchSharp| accepted for mu and logvar of a row whose largest |feature| is <paramref name="largestFeature"/>:
    /// <see cref="ParityCheck.Tolerance"/>, scaled up by the features beyond <see cref="FlatToleranceFeatures"/>. The features
    /// are compared bit for bit first, so what is left is the float32 rounding of the first layer's sums, which grows with
    /// its inputs: a value far from a spike's exact value (a mode a tenth of a cent wide) has an offset of thousands.
    /// </summary>
    public static double EncoderAllowance(float largestFeature) => ParityCheck.Tolerance * Math.Max(1, largestFeature / FlatToleranceFeatures);

    /// <returns>
    /// The largest |difference| of mu and logvar, the largest share of its row's <see cref="EncoderAllowance"/> any of them
    /// used, the largest |difference| of x_hat and the logits, the largest share of <see cref="DecoderAllowance"/> any of them used, and the rows.
    /// </returns>
    public static (double Encoder, double EncoderAllowanceUsed, double Decoder, double DecoderAllowanceUsed, int Rows) Run(VariationalAutoencoder model, string folder, RawTable rows)
    {
        var schema = model.Table!;
        var featurizer = new TableFeaturizer(schema);
        var reference = featurizer.Featurize(rows);
        int n = rows.Rows.Count, d = schema.FeatureCount, c = schema.Columns.Count, l = model.Architecture.LatentDim;
        var conditions = model.Architecture.Condition is { } spec ? TableCondition.Codes(rows, spec) : null;
        var (mu, logvar, parameters, logits) = Reference(model, reference.Features, conditions, n);
        var condition = conditions is null ? null : OneHot(conditions, model.Architecture.ConditionDim);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var runOptions = new RunOptions();
        using var encoder = new InferenceSession(Path.Combine(folder, ModelCard.EncoderFileName), options);
        var inputs = featurizer.GraphInputs(rows).Select(a => TableOrtValues.Column(a, n)).ToList();
        var conditionInput = encoder.InputMetadata.Keys.FirstOrDefault(name => schema.Column(name) is null);
        if (condition is not null) inputs.Add(OrtValue.CreateTensorValueFromMemory(condition, [n, model.Architecture.ConditionDim]));
        string[] inputNames = [.. schema.Columns.Select(k => k.Name), .. condition is null ? [] : new[] { conditionInput! }];
        try
        {
            using var outputs = encoder.Run(runOptions, inputNames, inputs,
                [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown]);
            Exact(outputs[2], reference.Features, "features");
            Exact(outputs[3], reference.Observed, "observed");
            Exact(outputs[4], reference.Unknown, "unknown");
            double encoderDiff = Math.Max(MaxAbsDiff(outputs[0], mu), MaxAbsDiff(outputs[1], logvar));
            double encoderUsed = Math.Max(AllowanceUsed(outputs[0], mu, reference.Features, n), AllowanceUsed(outputs[1], logvar, reference.Features, n));
            var (decoderDiff, decoderUsed) = Decoder(folder, options, runOptions, schema, mu, condition is null ? null : (conditionInput!, condition, model.Architecture.ConditionDim), parameters, logits, n, l);
            if (!(encoderUsed <= 1) || !(decoderUsed <= 1))
                throw new OnnxExportException(string.Create(CultureInfo.InvariantCulture,
                    $"parity check failed: ONNX Runtime differs from the TorchSharp table model by {encoderDiff:G3} (encoder, {encoderUsed:G3} of its allowance) and {decoderDiff:G3} (decoder x_hat and logits, {decoderUsed:G3} of its allowance) on {n} rows; the limit is {ParityCheck.Tolerance:G1} (for the encoder, more on rows with features beyond ±{FlatToleranceFeatures}; for the decoder, relative beyond magnitude 1). Nothing was written."));
            return (encoderDiff, encoderUsed, decoderDiff, decoderUsed, n);
        }
        finally
        {
            foreach (var value in inputs) value.Dispose();
        }
    }

    private static (double Diff, double AllowanceUsed) Decoder(string folder, SessionOptions options, RunOptions runOptions, TableSchema schema, float[] mu,
        (string Input, float[] Values, int Dim)? condition, float[] parameters, float[] logits, int n, int l)
    {
        using var decoder = new InferenceSession(Path.Combine(folder, ModelCard.DecoderFileName), options);
        using var z = OrtValue.CreateTensorValueFromMemory(mu, [n, l]);
        using var c = condition is { } given ? OrtValue.CreateTensorValueFromMemory(given.Values, [n, given.Dim]) : null;
        string[] names = [TableGraphNames.XHat, TableGraphNames.Logits, .. schema.Columns.Select(k => k.Name)];
        using var outputs = c is null ? decoder.Run(runOptions, [TableGraphNames.Z], [z], names)
            : decoder.Run(runOptions, [TableGraphNames.Z, condition!.Value.Input], [z, c], names);
        double diff = Math.Max(MaxAbsDiff(outputs[0], parameters), MaxAbsDiff(outputs[1], logits));
        double used = Math.Max(DecoderAllowanceUsed(outputs[0], parameters), DecoderAllowanceUsed(outputs[1], logits));
        var spans = schema.Spans;
        for (int j = 0; j < schema.Columns.Count; j++)
        {
            var column = schema.Columns[j];
            for (int r = 0; r < n; r++)
            {
                var row = parameters.AsSpan(r * schema.FeatureCount, schema.FeatureCount);
                var expected = TableModeDecoder.Decode(column, spans[j], row);
                if (!TypedMatches(column, outputs[j + 2], r, expected, row.Slice(spans[j].Start, spans[j].ValueWidth)))
                    throw new OnnxExportException($"parity check failed: the decoder's typed output '{column.Name}' row {r} differs from the most probable value '{expected.Text}' of the reference parameters. Nothing was written.");
            }
        }
        return (diff, used);
    }

    /// <param name="column">The column.</param>
    /// <param name="output">The decoder's typed output for it.</param>
    /// <param name="row">The row.</param>
    /// <param name="expected">The reference's most probable value.</param>
    /// <param name="value">The reference's parameters of the column's value.</param>
    private static bool TypedMatches(TableColumn column, OrtValue output, int row, (string Text, float Number) expected, ReadOnlySpan<float> value)
    {
        if (column.IsText) return output.GetStringElement(row) == expected.Text;
        float actual = output.GetTensorDataAsSpan<float>()[row];
        if (float.IsNaN(expected.Number)) return float.IsNaN(actual);
        double allowance;
        if (column.HasModes)
        {
            // Unscaled from the offset of the mode the reference picked: 4 s_k is that mode's scale.
            var modes = new ModeEncoding(column);
            int k = TableModeDecoder.MostProbableMode(value);
            allowance = ParityCheck.DecoderAllowance(value[0], 1 / modes.FourStd[k], modes.Means[k]);
        }
        else allowance = ParityCheck.DecoderAllowance((expected.Number - column.Offset) * column.Scale, column.Scale, column.Offset);
        // An integer or date column rounds: a mean within float32 rounding of .5 may round either way.
        return Math.Abs(actual - expected.Number) <= allowance + (column.IsWhole ? 1 : 0);
    }

    /// <summary>mu, logvar and the per-feature parameters (softmax / sigmoid / mean) of the TorchSharp model.</summary>
    private static (float[] Mu, float[] LogVar, float[] Parameters, float[] Logits) Reference(VariationalAutoencoder model, float[] features, int[]? conditions, int n)
    {
        var schema = model.Table!;
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var c = conditions is null ? null : tensor(OneHot(conditions, model.Architecture.ConditionDim), [n, model.Architecture.ConditionDim]);
        var (m, lv, _) = model.encoder.Encode(tensor(features, [n, schema.FeatureCount]), c);
        var logits = model.Decode(m, c);
        var parts = new List<Tensor>();
        foreach (var (column, span) in schema.Columns.Zip(schema.Spans))
        {
            var value = logits.narrow(1, span.Start, span.ValueWidth);
            parts.Add(column.Kind switch
            {
                ColumnKind.Categorical => nn.functional.softmax(value, 1),
                ColumnKind.Boolean => value.sigmoid(),
                _ when column.HasModes => cat([value.narrow(1, 0, 1), nn.functional.softmax(value.narrow(1, 1, span.ValueWidth - 1), 1)], 1),
                _ => value,
            });
            if (span.HasIndicator) parts.Add(logits.narrow(1, span.Indicator, 1).sigmoid());
        }
        return (m.data<float>().ToArray(), lv.data<float>().ToArray(), cat(parts, 1).contiguous().data<float>().ToArray(), logits.data<float>().ToArray());
    }

    /// <summary>The one-hot rows [N, K] of class indices, row-major.</summary>
    internal static float[] OneHot(int[] classes, int k)
    {
        var values = new float[classes.Length * k];
        for (int r = 0; r < classes.Length; r++) values[r * k + classes[r]] = 1f;
        return values;
    }

    private static void Exact(OrtValue actual, float[] expected, string name)
    {
        double diff = MaxAbsDiff(actual, expected);
        if (!(diff <= ParityCheck.Tolerance))
            throw new OnnxExportException($"parity check failed: the encoder graph's '{name}' differs from the C# featuriser by {diff:G3}; the graph's featurisation does not match training. Nothing was written.");
    }

    /// <summary>
    /// What a decoder output (a parameter or a logit) may differ by: <see cref="ParityCheck.Tolerance"/>, relative beyond
    /// magnitude 1. The logits of a rare category or of a missing-value indicator reach tens, where float32 rounding in the
    /// last layer alone is a few 1e-6: a 1,000,000-row customers model's logits differed by 1.14e-5 with every value right.
    /// </summary>
    public static double DecoderAllowance(float expected) => ParityCheck.Tolerance * Math.Max(1, Math.Abs(expected));

    private static double DecoderAllowanceUsed(OrtValue actual, float[] expected)
    {
        var values = actual.GetTensorDataAsSpan<float>();
        if (values.Length != expected.Length) return double.PositiveInfinity;
        double used = 0;
        for (int i = 0; i < values.Length; i++) used = Math.Max(used, Math.Abs(values[i] - expected[i]) / DecoderAllowance(expected[i]));
        return used;
    }

    /// <summary>The largest |difference| / <see cref="EncoderAllowance"/> of its row, over <paramref name="n"/> rows of an encoder output.</summary>
    private static double AllowanceUsed(OrtValue actual, float[] expected, float[] features, int n)
    {
        var values = actual.GetTensorDataAsSpan<float>();
        int width = expected.Length / n, d = features.Length / n;
        double used = 0;
        for (int r = 0; r < n; r++)
        {
            float largest = 0;
            foreach (float f in features.AsSpan(r * d, d)) largest = Math.Max(largest, Math.Abs(f));
            double allowance = EncoderAllowance(largest);
            for (int i = r * width; i < (r + 1) * width; i++) used = Math.Max(used, Math.Abs(values[i] - expected[i]) / allowance);
        }
        return used;
    }

    private static double MaxAbsDiff(OrtValue actual, float[] expected) => ParityCheck.MaxAbsDiff(actual.GetTensorDataAsSpan<float>(), expected);
}
