using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>A data view with a schema and no rows: what the saved form of a transformer is fitted on (its estimators read no rows).</summary>
internal sealed class EmptyDataView(DataViewSchema schema) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; } = schema;

    public long? GetRowCount() => 0;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(Schema);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(Schema)];

    private sealed class Cursor(DataViewSchema schema) : DataViewRowCursor
    {
        public override DataViewSchema Schema { get; } = schema;

        public override long Position => -1;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => false;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            throw new InvalidOperationException("an empty data view has no rows to read");

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            throw new InvalidOperationException("an empty data view has no rows to read");

        public override bool MoveNext() => false;
    }
}
