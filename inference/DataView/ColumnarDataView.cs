using Microsoft.ML;
using Microsoft.ML.Data;


namespace VaeOnnx.Inference.DataView;

/// <summary>An in-memory data view of <see cref="VaeTableRows"/>: Text and Single columns whose set is known only at run time.</summary>
internal sealed class ColumnarDataView : IDataView
{
    private readonly VaeTableRows _rows;

    public ColumnarDataView(VaeTableRows rows)
    {
        _rows = rows;
        var builder = new DataViewSchema.Builder();
        foreach (var column in rows.Schema.Columns)
            builder.AddColumn(column.Name, column.IsText ? TextDataViewType.Instance : NumberDataViewType.Single);
        if (rows.ConditionColumn is { } condition) builder.AddColumn(condition, TextDataViewType.Instance);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(ColumnarDataView view, HashSet<int> active) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext() => ++_position < view._rows.Count;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var rows = view._rows;
            Array cells = column.Index < rows.Columns.Count ? rows.Columns[column.Index] : rows.Conditions!.ToArray();
            Delegate getter = cells is float[] numbers
                ? (ValueGetter<float>)((ref float value) => value = numbers[_position])
                : (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = ((string[])cells)[_position].AsMemory());
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}");
        }
    }
}
