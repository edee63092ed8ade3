using VaeOnnx.Contract;

namespace VaeOnnx.Tables;

/// <summary>
/// Reads rows of any source (<see cref="ITableRows"/>) into blocks of a table model's inputs: each feature column's
/// numbers parsed straight from the cell (NaN when blank), dates as days, flags and categories as their text, a
/// conditional model's class, and the id cells. The one conversion of cells for every source and for scoring, the
/// featuriser and the export's parity rows alike; a bad cell is refused naming the source, the line, the column and the value.
/// </summary>
/// <remarks>
/// A text cell that repeats (a category, a flag) is made a string once per column and shared, so that a block of a
/// million rows holds a few strings per category column rather than one per cell.
/// </remarks>
public sealed class TableBlockReader
{
    /// <summary>Distinct texts per column shared as one string each: beyond this, a column is free text and each cell gets its own.</summary>
    private const int SharedTextsPerColumn = 4096;

    private readonly ITableRows _rows;
    private readonly TableFeaturizer _featurizer;
    private readonly int[] _columns;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>[] _texts;
    private readonly ConditionSpec? _condition;
    private readonly int _conditionIndex = -1;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _classes;
    private readonly int[] _ids;

    /// <summary>
    /// A reader of <paramref name="rows"/> for <paramref name="featurizer"/>'s schema, with the condition column of
    /// <paramref name="condition"/> when given, and the cells of the header columns <paramref name="idColumns"/> kept as ids.
    /// A feature or condition column missing from the header is refused now, naming it.
    /// </summary>
    public TableBlockReader(ITableRows rows, TableFeaturizer featurizer, ConditionSpec? condition, IReadOnlyList<int> idColumns)
    {
        (_rows, _featurizer, _condition, _ids) = (rows, featurizer, condition, idColumns.ToArray());
        _columns = featurizer.ColumnIndices(rows.Header, rows.Source);
        _texts = featurizer.Schema.Columns.Select(c => c.IsText ? new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>() : default).ToArray();
        if (condition is null) return;
        _conditionIndex = TableCondition.ColumnIndex(rows.Header, rows.Source, condition);
        _classes = TableCondition.Lookup(condition);
    }

    /// <summary>
    /// Consecutive blocks of at most <paramref name="blockRows"/> rows until the rows end; a source without rows is
    /// refused (a CSV file's header alone), so an enumeration yields at least one block.
    /// </summary>
    public IEnumerable<TableColumnBlock> ReadBlocks(int blockRows)
    {
        var block = Read(blockRows);
        if (block.Count == 0) throw new DataFormatException(_rows.Source, RawTableReader.NoRows);
        while (block.Count > 0)
        {
            yield return block;
            block = Read(blockRows);
        }
    }

    /// <summary>The next block of at most <paramref name="maxRows"/> rows; a block of no rows after the last row.</summary>
    public TableColumnBlock Read(int maxRows)
    {
        var schema = _featurizer.Schema.Columns;
        // A bounded block (vae score's 65,536 rows) is allocated whole; a whole file grows from there.
        int capacity = Math.Min(maxRows, 1 << 16);
        var columns = schema.Select(c => c.IsText ? (Array)new string[capacity] : new float[capacity]).ToArray();
        var conditions = _condition is null ? null : new int[capacity];
        var ids = new List<string[]>(capacity);
        int n = 0;
        for (; n < maxRows && _rows.Read(); n++)
        {
            if (n == capacity) Resize(columns, ref conditions, capacity = (int)Math.Min(maxRows, 2L * capacity));
            for (int j = 0; j < columns.Length; j++)
            {
                var cell = _rows.Cell(_columns[j]);
                if (columns[j] is float[] numbers) numbers[n] = _featurizer.Number(schema[j], cell, _rows.Source, _rows.Line);
                else ((string[])columns[j])[n] = Text(_texts[j], cell);
            }
            if (conditions is not null) conditions[n] = TableCondition.Code(_classes, _rows.Cell(_conditionIndex), _condition!, _rows.Source, _rows.Line);
            ids.Add(Ids());
        }
        if (n < capacity) Resize(columns, ref conditions, n);
        return new TableColumnBlock(columns, conditions, ids, n);
    }

    private string[] Ids()
    {
        if (_ids.Length == 0) return [];
        var cells = new string[_ids.Length];
        for (int k = 0; k < cells.Length; k++) cells[k] = _rows.Cell(_ids[k]).ToString();
        return cells;
    }

    private static string Text(Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> shared, ReadOnlySpan<char> cell)
    {
        if (shared.TryGetValue(cell, out var text)) return text;
        text = cell.ToString();
        if (shared.Dictionary.Count < SharedTextsPerColumn) shared.Dictionary[text] = text;
        return text;
    }

    private static void Resize(Array[] columns, ref int[]? conditions, int length)
    {
        for (int j = 0; j < columns.Length; j++)
        {
            if (columns[j] is float[] numbers) { Array.Resize(ref numbers, length); columns[j] = numbers; }
            else { var texts = (string[])columns[j]; Array.Resize(ref texts, length); columns[j] = texts; }
        }
        if (conditions is not null) Array.Resize(ref conditions, length);
    }
}
