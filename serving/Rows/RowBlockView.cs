using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Serving.Rows;

/// <summary>
/// The rows of a request as an ML.NET data view with one column of <see cref="RowBlock.Width"/> floats, served straight
/// from the block (no object per row), so a hosted chain's VaeOnnx steps read it in blocks. For a conditional pair a
/// second column holds each row's condition, one-hot.
/// </summary>
internal sealed class RowBlockView : IDataView
{
    private readonly RowBlock _block;
    private readonly int[]? _conditions;
    private readonly int _conditionWidth;

    /// <param name="block">The rows.</param>
    /// <param name="column">Name of the rows' column.</param>
    /// <param name="conditions">Each row's class index, for a conditional pair (<see cref="RowConditions"/>); else null.</param>
    /// <param name="conditionWidth">Classes K of the condition.</param>
    public RowBlockView(RowBlock block, string column, int[]? conditions = null, int conditionWidth = 0)
    {
        _block = block;
        _conditions = conditions;
        _conditionWidth = conditionWidth;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(column, new VectorDataViewType(NumberDataViewType.Single, block.Width));
        if (conditions is not null) builder.AddColumn(VaeStandardChains.ConditionColumn, new VectorDataViewType(NumberDataViewType.Single, conditionWidth));
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
            bool condition = column.Index == 1;
            int width = condition ? view._conditionWidth : view._block.Width;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, width);
                if (condition)
                {
                    editor.Values.Clear();
                    editor.Values[view._conditions![(int)_position]] = 1f;
                }
                else view._block.Values.AsSpan((int)_position * width, width).CopyTo(editor.Values);
                value = editor.Commit();
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"column '{column.Name}' is a float vector, not {typeof(TValue).Name}");
        }
    }
}
