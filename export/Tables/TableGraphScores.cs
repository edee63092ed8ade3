using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Tables;

namespace VaeOnnx.Export.Tables;

/// <summary>
/// The anomaly scores of raw table rows computed by the written pair itself: its encoder graph (featurisation included),
/// its decoder graph on mu, then the contract's one score graph (<see cref="TableScoreGraph"/>), all in ONNX Runtime, in
/// blocks. The export calibrates the threshold on these, so the threshold a pair carries is a quantile of the very numbers
/// that <c>VaeTableScore</c>, <c>vae score</c> and the service compute.
/// </summary>
internal static class TableGraphScores
{
    private const int BlockRows = 1024;

    /// <summary>The float32 scores of <paramref name="rows"/> by the pair in <paramref name="folder"/>.</summary>
    /// <param name="folder">Holds encoder.onnx and decoder.onnx.</param>
    /// <param name="schema">The pair's schema.</param>
    /// <param name="latentDim">L.</param>
    /// <param name="decoderLogVar">The decoder's per-feature log-variance, as the score graph takes it.</param>
    /// <param name="condition">A conditional pair's condition; null otherwise.</param>
    /// <param name="rows">Held-out rows of the training file.</param>
    public static float[] Score(string folder, TableSchema schema, int latentDim, IReadOnlyList<float>? decoderLogVar, ConditionSpec? condition, RawTable rows)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var run = new RunOptions();
        using var encoder = new InferenceSession(Path.Combine(folder, ModelCard.EncoderFileName), options);
        using var decoder = new InferenceSession(Path.Combine(folder, ModelCard.DecoderFileName), options);
        using var score = new InferenceSession(TableScoreGraph.Build(schema, latentDim, decoderLogVar, "calibration"), options);
        var conditionInput = encoder.InputMetadata.Keys.FirstOrDefault(name => schema.Column(name) is null);
        var featurizer = new TableFeaturizer(schema);
        var scores = new float[rows.Rows.Count];
        for (int start = 0; start < scores.Length; start += BlockRows)
        {
            var block = rows.Select(Enumerable.Range(start, Math.Min(BlockRows, scores.Length - start)).ToArray());
            int n = block.Rows.Count;
            var inputs = featurizer.GraphInputs(block).Select(a => TableOrtValues.Column(a, n)).ToList();
            if (condition is not null) inputs.Add(OrtValue.CreateTensorValueFromMemory(TableParityCheck.OneHot(TableCondition.Codes(block, condition), condition.Dim), [n, condition.Dim]));
            try
            {
                string[] names = [.. schema.Columns.Select(c => c.Name), .. condition is null ? [] : new[] { conditionInput! }];
                using var encoded = encoder.Run(run, names, inputs,
                    [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown]);
                using var decoded = condition is null
                    ? decoder.Run(run, [TableGraphNames.Z], [encoded[0]], [TableGraphNames.Logits])
                    : decoder.Run(run, [TableGraphNames.Z, conditionInput!], [encoded[0], inputs[^1]], [TableGraphNames.Logits]);
                using var scored = score.Run(run,
                    [TableScoreGraph.Features, TableScoreGraph.Observed, TableScoreGraph.Unknown, TableScoreGraph.Mu, TableScoreGraph.LogVar, TableScoreGraph.Logits],
                    [encoded[2], encoded[3], encoded[4], encoded[0], encoded[1], decoded[0]], [TableScoreGraph.Score]);
                scored[0].GetTensorDataAsSpan<float>().CopyTo(scores.AsSpan(start, n));
            }
            finally
            {
                foreach (var value in inputs) value.Dispose();
            }
        }
        return scores;
    }
}
