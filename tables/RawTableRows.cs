using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// The rows of a sequence of <see cref="RawTable"/> blocks (a Parquet file's, a query's), one at a time. The first block is
/// read when this is made, for the header: a source without rows is refused then, as its reader does.
/// </summary>
public sealed class RawTableRows : ITableRows
{
    private readonly IEnumerator<RawTable> _blocks;
    private RawTable _block;
    private int _row = -1;

    /// <summary>Rows of <paramref name="blocks"/>, every block with the same header.</summary>
    public RawTableRows(IEnumerable<RawTable> blocks)
    {
        _blocks = blocks.GetEnumerator();
        try
        {
            if (!_blocks.MoveNext()) throw new ArgumentException("the sequence has no block; its reader should refuse a source without rows", nameof(blocks));
            _block = _blocks.Current;
        }
        catch
        {
            _blocks.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Source => _block.Source;

    /// <inheritdoc/>
    public IReadOnlyList<string> Header => _block.Header;

    /// <inheritdoc/>
    public int Line => _block.Lines[_row];

    /// <inheritdoc/>
    public bool Read()
    {
        while (++_row >= _block.Rows.Count)
        {
            if (!_blocks.MoveNext()) return false;
            (_block, _row) = (_blocks.Current, -1);
        }
        return true;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<char> Cell(int column) => _block.Rows[_row][column];

    /// <inheritdoc/>
    public void Dispose() => _blocks.Dispose();
}
