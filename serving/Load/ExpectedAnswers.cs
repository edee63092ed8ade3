using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Load;

/// <summary>
/// What each of several pairs computes for some rows, computed in process through the same ML.NET chains the service
/// hosts, and checks of an answer against the pair it names: a load run counts an answer whose numbers belong to
/// another pair (or to a mix of pairs) as an error.
/// </summary>
public sealed class ExpectedAnswers
{
    private readonly Dictionary<string, (float[][] Score, float[][] Mu)> _byPair = new(StringComparer.Ordinal);

    /// <summary>Scores and encodes <paramref name="rows"/> with each pair.</summary>
    public ExpectedAnswers(IEnumerable<VaeModel> pairs, float[][] rows)
    {
        foreach (var model in pairs)
        {
            var ml = new MLContext(1);
            var view = new RowBlockView(new RowBlock(rows.SelectMany(r => r).ToArray(), rows.Length, model.InputDim), "Features");
            using var chain = ml.Transforms.VaeEncode(model).Append(ml.Transforms.VaeAnomalyScore(model)).Fit(view);
            var scored = chain.Transform(view);
            var parts = VaeScoreParts.All.Select(p => scored.GetColumn<float>(VaeScoreParts.Column("Score", p)).ToArray()).ToArray();
            var mu = scored.GetColumn<VBuffer<float>>("Mu").Select(v => v.DenseValues().ToArray()).ToArray();
            _byPair[model.PairId] = (Enumerable.Range(0, rows.Length).Select(r => parts.Select(p => p[r]).ToArray()).ToArray(), mu);
        }
    }

    /// <summary>The pairs known.</summary>
    public IReadOnlyCollection<string> PairIds => _byPair.Keys;

    /// <summary>A check of /score or /encode answers for the rows given at construction.</summary>
    public Func<string, JsonElement, string?> Check(string path) => (pairId, results) =>
    {
        if (!_byPair.TryGetValue(pairId, out var expected)) return $"unknown pair {pairId}";
        if (results.GetArrayLength() != expected.Mu.Length) return $"{results.GetArrayLength()} results for {expected.Mu.Length} rows";
        int r = 0;
        foreach (var result in results.EnumerateArray())
        {
            bool same = path == "/score"
                ? VaeScoreParts.All.Select(p => result.GetProperty(p).GetSingle()).SequenceEqual(expected.Score[r])
                : result.GetProperty("mu").EnumerateArray().Select(v => v.GetSingle()).SequenceEqual(expected.Mu[r]);
            if (!same) return $"row {r} is not what pair {pairId} computes";
            r++;
        }
        return null;
    };
}
