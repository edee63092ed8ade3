using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract.IO;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Transforms;

namespace VaeOnnx.Cli.Scoring;

/// <summary>Scores a CSV file with a table pair through <c>VaeTableScore</c> and writes <c>score,recon,kl,is_anomaly,contrib.&lt;column&gt;...</c>.</summary>
public static class TableScoreOutput
{
    /// <summary>The scores of every row of <paramref name="rows"/>.</summary>
    public static TableScores Score(VaeModel model, VaeTableRows rows)
    {
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        var scored = transformer.Transform(view);
        const string score = VaeTableScoreEstimator.DefaultScoreColumn;
        float[] Part(string part) => scored.GetColumn<float>(VaeScoreParts.Column(score, part)).ToArray();
        var contributions = scored.GetColumn<VBuffer<float>>(VaeTableScoreEstimator.ContributionsColumn(score)).Select(v => v.DenseValues().ToArray()).ToArray();
        return new TableScores(Part(VaeScoreParts.Score), Part(VaeScoreParts.Reconstruction), Part(VaeScoreParts.Kl),
            scored.GetColumn<bool>(VaeTableScoreEstimator.DefaultAnomalyColumn).ToArray(), contributions);
    }

    /// <summary>Writes the scores as CSV (atomically).</summary>
    public static void Write(string path, TableSchema schema, TableScores scores)
    {
        static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        var text = new StringBuilder("score,recon,kl,is_anomaly");
        foreach (var column in schema.Columns) text.Append(",contrib.").Append(CsvText.Cell(column.Name));
        text.Append('\n');
        for (int r = 0; r < scores.Score.Length; r++)
        {
            text.Append(F(scores.Score[r])).Append(',').Append(F(scores.Reconstruction[r])).Append(',').Append(F(scores.Kl[r])).Append(',')
                .Append(scores.IsAnomaly[r] ? "true" : "false");
            foreach (var value in scores.Contributions[r]) text.Append(',').Append(F(value));
            text.Append('\n');
        }
        WriteText(path, text.ToString());
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void WriteText(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFileWriter.WriteText(path, text);
    }
}
