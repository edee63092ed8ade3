using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Transforms;
using VaeOnnx.Sources;
using VaeOnnx.Tables;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// Scores table rows with a table pair through <c>VaeTableScore</c>: <c>score,recon,kl,is_anomaly,contrib.&lt;column&gt;...</c>.
/// A file is scored block by block (<see cref="ScoreFile"/>): read a block, score it once, write it, so memory is bounded
/// by a few blocks, not the file; the next block is read while one is scored. The id columns lead each row with the input's cells.
/// </summary>
public static class TableScoreOutput
{
    /// <summary>Rows per block of <see cref="ScoreFile"/>: large enough that the per-block set-up is noise, small enough to stay in tens of megabytes.</summary>
    public const int BlockRows = 65_536;

    private const string ScoreColumn = VaeTableScoreEstimator.DefaultScoreColumn;

    /// <summary>The CSV columns of a table pair's scores, after the id columns <paramref name="ids"/>.</summary>
    public static ScoredCsvWriter Writer(TableSchema schema, IReadOnlyList<string> ids) => new(
    [
        ScoredCsvColumn.Scalar(ScoreColumn, "score"),
        ScoredCsvColumn.Scalar(VaeScoreParts.Column(ScoreColumn, VaeScoreParts.Reconstruction), "recon"),
        ScoredCsvColumn.Scalar(VaeScoreParts.Column(ScoreColumn, VaeScoreParts.Kl), "kl"),
        ScoredCsvColumn.Scalar(VaeTableScoreEstimator.DefaultAnomalyColumn, "is_anomaly"),
        new ScoredCsvColumn(VaeTableScoreEstimator.ContributionsColumn(ScoreColumn), schema.Columns.Select(c => $"contrib.{c.Name}").ToArray()),
    ], ids);

    /// <summary>
    /// Scores the table <paramref name="inputPath"/> (a CSV or Parquet file, or with <paramref name="query"/> a database: any
    /// <see cref="TableSource"/>) into <paramref name="outputPath"/> (atomically), block by block;
    /// returns the rows scored. Each output row starts with the row's id cells: those of <paramref name="idColumns"/> when
    /// it names any, else of the model's id columns (<see cref="IdColumnCells"/>; a missing one is noted on <paramref name="notes"/>).
    /// </summary>
    public static long ScoreFile(VaeModel model, string inputPath, string outputPath, int blockRows = BlockRows,
        IReadOnlyList<string>? idColumns = null, TextWriter? notes = null, string? query = null)
    {
        var schema = model.Table ?? throw new ArgumentException($"{model.EncoderPath}: not a table pair", nameof(model));
        model = ScoringModel(model);
        using var source = TableSource.Parse(inputPath, query).OpenRows();
        // The header says which id columns lead each row, before the output is opened.
        var ids = IdColumnCells.Resolve(source.Source, source.Header, schema, idColumns, notes ?? TextWriter.Null);
        var writer = Writer(schema, ids.Names);
        var ml = new MLContext(1);
        VaeTableScoreTransformer? transformer = null;
        // Three threads: the next block is read and featurised while this one is scored and the one before is written. On one
        // thread, reading, featurising and formatting took 1.6 times as long as the graphs themselves (docs/benchmarks.md).
        var featurized = ReadAhead.Of(TableInput.Blocks(source, schema, model.Condition, ids, blockRows), ReadAheadBlocks);
        var scored = ReadAhead.Of(featurized.Select(block =>
        {
            var view = block.Rows.ToDataView();
            // Fitted once, on the first block: every block has the same columns, and fitting opens the sessions.
            transformer ??= ml.Transforms.VaeTableScore(model).Fit(view);
            return (Scores: writer.ReadBlock(transformer.Transform(view)), block.Ids);
        }), ReadAheadBlocks);
        long rows = 0;
        try
        {
            writer.WriteFile(outputPath, text =>
            {
                foreach (var block in scored) rows += writer.WriteBlock(block.Scores, text, block.Ids);
            });
        }
        finally
        {
            transformer?.Dispose();
        }
        return rows;
    }

    /// <summary>ONNX Runtime intra-op threads of <see cref="ScoreFile"/>'s graphs: every core but the one its reading and writing keep busy.</summary>
    public static int GraphThreads => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>
    /// <paramref name="model"/> as <see cref="ScoreFile"/> runs it: with <see cref="GraphThreads"/> intra-op threads unless its
    /// options set a number. On 2 cores ONNX Runtime's second thread made the whole pass about 10% slower (docs/benchmarks.md).
    /// </summary>
    public static VaeModel ScoringModel(VaeModel model) => model.Options.IntraOpThreads == 0 ? model.WithIntraOpThreads(GraphThreads) : model;

    /// <summary>Blocks queued between two threads: one keeps each busy without holding another block's memory.</summary>
    private const int ReadAheadBlocks = 1;

    /// <summary>The scores of every row of <paramref name="rows"/>, read through one cursor.</summary>
    public static TableScores Score(VaeModel model, VaeTableRows rows)
    {
        var ml = new MLContext(1);
        var view = rows.ToDataView();
        using var transformer = ml.Transforms.VaeTableScore(model).Fit(view);
        var scored = transformer.Transform(view);
        var (score, recon, kl, anomaly, contributions) = (new float[rows.Count], new float[rows.Count], new float[rows.Count], new bool[rows.Count], new float[rows.Count][]);
        var columns = new[]
        {
            ScoreColumn, VaeScoreParts.Column(ScoreColumn, VaeScoreParts.Reconstruction), VaeScoreParts.Column(ScoreColumn, VaeScoreParts.Kl),
            VaeTableScoreEstimator.DefaultAnomalyColumn, VaeTableScoreEstimator.ContributionsColumn(ScoreColumn),
        }.Select(name => scored.Schema[name]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var (getScore, getRecon, getKl) = (cursor.GetGetter<float>(columns[0]), cursor.GetGetter<float>(columns[1]), cursor.GetGetter<float>(columns[2]));
        var (getAnomaly, getContributions) = (cursor.GetGetter<bool>(columns[3]), cursor.GetGetter<VBuffer<float>>(columns[4]));
        var buffer = default(VBuffer<float>);
        for (int r = 0; cursor.MoveNext(); r++)
        {
            getScore(ref score[r]);
            getRecon(ref recon[r]);
            getKl(ref kl[r]);
            getAnomaly(ref anomaly[r]);
            getContributions(ref buffer);
            contributions[r] = buffer.DenseValues().ToArray();
        }
        return new TableScores(score, recon, kl, anomaly, contributions);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void WriteText(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        Contract.IO.AtomicFileWriter.WriteText(path, text);
    }
}
