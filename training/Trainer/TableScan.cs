using VaeOnnx.Contract;
using VaeOnnx.Sources;

namespace VaeOnnx.Training.Trainer;

/// <summary>
/// One pass over a table source that decides how training holds it: a table of at most <c>wholeRows</c> rows is kept whole
/// (<see cref="Whole"/>), as training always did; a larger one is counted and leaves a uniform sample of
/// <c>sampleRows</c> of its rows (reservoir sampling, seeded by the split seed), from which the column schema is inferred,
/// while its epochs stream the source again. Memory stays within the larger of the two limits whatever the table's size.
/// </summary>
public sealed class TableScan
{
    /// <summary>Rows per block read from the source.</summary>
    public const int BlockRows = 8192;

    private TableScan(int rows, RawTable? whole, RawTable sample, int[] sampleRows) => (Rows, Whole, Sample, SampleRows) = (rows, whole, sample, sampleRows);

    /// <summary>The table's data rows.</summary>
    public int Rows { get; }

    /// <summary>Every row, when the table had no more than the whole-table limit; null when it is to be streamed.</summary>
    public RawTable? Whole { get; }

    /// <summary>The sampled rows in file order (every row when <see cref="Whole"/> is set), with their own line numbers.</summary>
    public RawTable Sample { get; }

    /// <summary>The file position (0-based data row) of each row of <see cref="Sample"/>, ascending.</summary>
    public int[] SampleRows { get; }

    /// <summary>Reads <paramref name="source"/> once.</summary>
    public static TableScan Read(TableSource source, int wholeRows, int sampleRows, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wholeRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRows, 1);
        var random = new Random(unchecked((int)VaeTrainer.StreamSeed(seed, 0, -3)));
        var reservoir = new List<(int Row, string[] Cells, int Line)>();
        List<(string[] Cells, int Line)>? all = [];
        RawTable? first = null;
        int rows = 0;
        foreach (var block in source.ReadBlocks(BlockRows))
        {
            first ??= block;
            for (int i = 0; i < block.Rows.Count; i++, rows++)
            {
                var row = (rows, block.Rows[i], block.Lines[i]);
                if (all is not null) all.Add((block.Rows[i], block.Lines[i]));
                if (rows < sampleRows) reservoir.Add(row);
                else if (random.Next(rows + 1) is int j && j < sampleRows) reservoir[j] = row;
            }
            if (all is not null && all.Count > wholeRows) all = null;
        }
        if (all is not null)
        {
            var whole = new RawTable(first!.Source, first.Header, all.Select(r => r.Cells).ToArray(), all.Select(r => r.Line).ToArray());
            return new TableScan(rows, whole, whole, Enumerable.Range(0, rows).ToArray());
        }
        reservoir.Sort((a, b) => a.Row.CompareTo(b.Row));
        var sample = new RawTable(first!.Source, first.Header,
            reservoir.Select(r => r.Cells).ToArray(), reservoir.Select(r => r.Line).ToArray());
        return new TableScan(rows, null, sample, reservoir.Select(r => r.Row).ToArray());
    }
}
