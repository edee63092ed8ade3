using VaeOnnx.Contract;
using VaeOnnx.Sources;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// The training rows of a table too large to hold, read from its source again every epoch: block by block, featurised
/// with the run's schema, shuffled through a <see cref="ShuffleBuffer"/> of <see cref="BufferRows"/> rows and cut into
/// batches. Memory holds one block of text cells, the buffer's featurised rows and one batch, whatever the table's size; a
/// bad cell is refused naming its line when the epoch reaches it.
/// </summary>
public sealed class TableTrainingStream
{
    private readonly TableSource _source;
    private readonly TableSplitRole[] _roles;
    private readonly Func<RawTable, VaeDataset> _featurize;

    /// <summary>A stream of the rows whose role is <see cref="TableSplitRole.Train"/>.</summary>
    /// <param name="source">The table, read again each epoch.</param>
    /// <param name="roles">The split of every data row of the source, in file order.</param>
    /// <param name="featurize">Featurises a block of rows with the run's schema (and its labels, for a label or condition column).</param>
    /// <param name="bufferRows">Rows the shuffle buffer holds.</param>
    public TableTrainingStream(TableSource source, TableSplitRole[] roles, Func<RawTable, VaeDataset> featurize, int bufferRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferRows, 1);
        (_source, _roles, _featurize, BufferRows) = (source, roles, featurize, bufferRows);
        Rows = roles.Count(r => r == TableSplitRole.Train);
    }

    /// <summary>Training rows an epoch yields.</summary>
    public int Rows { get; }

    /// <summary>Rows the shuffle buffer holds: the bound on the featurised rows in memory during an epoch.</summary>
    public int BufferRows { get; }

    /// <summary>
    /// The epoch's training rows, each once, in the order the buffer draws with <paramref name="seed"/> (the same seed, the
    /// same order); a source that no longer has the rows it had when training started is refused.
    /// </summary>
    public IEnumerable<StreamedRow> ShuffledRows(long seed) =>
        ShuffleBuffer.Shuffle(FileOrderRows(), BufferRows, new Random(unchecked((int)seed ^ (int)(seed >> 32))));

    /// <summary>The epoch in batches of <paramref name="batchRows"/> rows (the last may be smaller).</summary>
    public IEnumerable<VaeDataset> Batches(int batchRows, long seed)
    {
        var batch = new List<StreamedRow>(batchRows);
        foreach (var row in ShuffledRows(seed))
        {
            batch.Add(row);
            if (batch.Count < batchRows) continue;
            yield return Pack(batch);
            batch.Clear();
        }
        if (batch.Count > 0) yield return Pack(batch);
    }

    private IEnumerable<StreamedRow> FileOrderRows()
    {
        int position = 0;
        foreach (var block in _source.ReadBlocks(TableScan.BlockRows))
        {
            var picked = new List<int>(block.Rows.Count);
            for (int i = 0; i < block.Rows.Count; i++, position++)
            {
                if (position >= _roles.Length) throw Changed(block.Source, $"more than the {_roles.Length:N0}");
                if (_roles[position] == TableSplitRole.Train) picked.Add(i);
            }
            if (picked.Count == 0) continue;
            var features = _featurize(block.Select(picked));
            for (int i = 0; i < features.Rows; i++)
                yield return new StreamedRow(position - block.Rows.Count + picked[i], features.Row(i).ToArray(), features.Labels?[i] ?? -1);
        }
        if (position != _roles.Length) throw Changed(_source.Text, $"{position:N0}, not the {_roles.Length:N0}");
    }

    private static DataFormatException Changed(string source, string rows) =>
        new(source, $"the table now has {rows} rows it had when training started; train again on the table as it is now");

    private static VaeDataset Pack(List<StreamedRow> rows)
    {
        int d = rows[0].Features.Length;
        var block = new float[rows.Count * d];
        for (int i = 0; i < rows.Count; i++) rows[i].Features.CopyTo(block, i * d);
        int[]? labels = rows[0].Label >= 0 ? rows.Select(r => r.Label).ToArray() : null;
        return new VaeDataset("training batch", block, rows.Count, d, labels);
    }
}
