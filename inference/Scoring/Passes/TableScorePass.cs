using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Loading;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// A table pair's typed columns -> score, recon, kl and each column's contribution: the encoder on the block's cells (and
/// conditions) to mu, logvar, features and masks, the decoder of mu (and the conditions) to logits, and the table score
/// graph (<see cref="TableScoreGraph"/>).
/// </summary>
internal sealed class TableScorePass : ScoringPass
{
    private const BlockArrays Arrays = BlockArrays.Input | BlockArrays.LogVar | BlockArrays.XHat | BlockArrays.ScoreParts | BlockArrays.Table;
    private GraphCall _encoder = null!, _decoder = null!, _score = null!;

    /// <summary>Opens the encoder, the decoder and the table score graph of <paramref name="model"/>, a table pair.</summary>
    public TableScorePass(VaeModel model) : base(model, Arrays)
    {
        Open(() =>
        {
            var table = model.Table ?? throw new ArgumentException($"{model.EncoderPath}: not a table pair; VaeTableScore scores pairs exported from table models");
            int d = model.InputDim, l = model.LatentDim, c = table.Columns.Count;
            _encoder = Graph(GraphRole.Encoder, TakingTurns);
            for (int j = 0; j < c; j++) _encoder.In(table.Columns[j].Name, Cells(j, table.Columns[j]));
            Condition.FeedEncoder(_encoder);
            _encoder.Out(TableGraphNames.Mu, ScoringBuffers.Value(b => b.Mu, l)).Out(TableGraphNames.LogVar, ScoringBuffers.Value(b => b.LogVar, l))
                .Out(TableGraphNames.Features, ScoringBuffers.Value(b => b.Input, d))
                .Out(TableGraphNames.Observed, ScoringBuffers.Value(b => b.Observed, c)).Out(TableGraphNames.Unknown, ScoringBuffers.Value(b => b.Unknown, c));
            _decoder = Decoder(TakingTurns, b => b.Mu, TableGraphNames.Logits);
            _score = Graph(TableScoreGraph.Build(table, l, model.DecoderLogVar, model.PairId), TakingTurns)
                .In(TableScoreGraph.Features, ScoringBuffers.Value(b => b.Input, d))
                .In(TableScoreGraph.Observed, ScoringBuffers.Value(b => b.Observed, c)).In(TableScoreGraph.Unknown, ScoringBuffers.Value(b => b.Unknown, c))
                .In(TableScoreGraph.Mu, ScoringBuffers.Value(b => b.Mu, l)).In(TableScoreGraph.LogVar, ScoringBuffers.Value(b => b.LogVar, l))
                .In(TableScoreGraph.Logits, ScoringBuffers.Value(b => b.XHat, d))
                .Out(VaeScoreParts.Score, ScoringBuffers.Value(b => b.Score, 0)).Out(VaeScoreParts.Reconstruction, ScoringBuffers.Value(b => b.Reconstruction, 0))
                .Out(VaeScoreParts.Kl, ScoringBuffers.Value(b => b.Kl, 0)).Out(TableScoreGraph.Contributions, ScoringBuffers.Value(b => b.Contributions, c));
        });
    }

    /// <summary>
    /// Column <paramref name="index"/>'s cells as the encoder's [rows, 1] input: numbers over the block's array, text as a
    /// string tensor made per block (its contents change with every block, so it is never bound).
    /// </summary>
    private static BlockValue Cells(int index, TableColumn column) => column.IsText
        ? (buffers, rows, made) =>
        {
            var strings = TableInputValues.Strings((string?[])buffers.TableColumns[index], rows);
            made.Add(strings);
            return strings;
        }
        : (buffers, rows, made) => buffers.Tensor((float[])buffers.TableColumns[index], 1, rows, made);

    private protected override void Run(ScoringBuffers buffers, int rows, List<OrtValue> made)
    {
        _encoder.Run(RunOptions, buffers, rows, made);
        _decoder.Run(RunOptions, buffers, rows, made);
        _score.Run(RunOptions, buffers, rows, made);
    }
}
