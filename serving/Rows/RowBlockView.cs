using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// The rows of a request as an ML.NET data view with one column of <see cref="RowBlock.Width"/> floats, served straight
/// from the block (no object per row), so a hosted chain's VaeOnnx steps read it in blocks.
/// </summary>
internal sealed class RowBlockView : IDataView
{
    private readonly RowBlock _block;

    public RowBlockView(RowBlock block, string column)
    {
        _block = block;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(column, new VectorDataViewType(NumberDataViewType.Single, block.Width));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _block.Rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Any());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(RowBlockView view, bool active) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => active;

        public override bool MoveNext() => ++_position < view._block.Rows;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int width = view._block.Width;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, width);
                view._block.Values.AsSpan((int)_position * width, width).CopyTo(editor.Values);
                value = editor.Commit();
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"column '{column.Name}' is a float vector, not {typeof(TValue).Name}");
        }
    }
}
