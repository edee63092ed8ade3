using VaeOnnx.Inference;
using VaeOnnx.Sources;
using VaeOnnx.Tables;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// A CSV file read for a table pair: the columns named in the pair's schema (others are ignored), numbers checked with the
/// file's line numbers ("line 7, column 'age': 'abc' is not a number; expected integer values like 1.5"), flags and
/// categories passed as text, so that a category never seen in training is scored as unknown rather than refused. A
/// conditional table pair's condition column is read too; there a value the model was not trained on is refused with its
/// line ("line 7, condition column 'segment': 'platinum' is not a category the model was trained on; expected one of ...").
/// </summary>
public static class TableInput
{
    /// <summary>Reads <paramref name="path"/> (a CSV or Parquet file) whole as rows of <paramref name="schema"/>.</summary>
    public static VaeTableRows Read(string path, TableSchema schema, ConditionSpec? condition = null)
    {
        using var rows = TableSource.Parse(path).OpenRows();
        return Rows(new TableBlockReader(rows, new TableFeaturizer(schema), condition, []).ReadBlocks(int.MaxValue).Single(), schema, condition);
    }

    /// <summary>
    /// The blocks of <paramref name="source"/> as a pair of <paramref name="schema"/> reads them, <paramref name="blockRows"/>
    /// at a time, each with the cells of the id columns <paramref name="ids"/>: what <c>vae score</c> scores.
    /// </summary>
    public static IEnumerable<(VaeTableRows Rows, IReadOnlyList<string[]> Ids)> Blocks(ITableRows source, TableSchema schema, ConditionSpec? condition, IdColumnCells ids, int blockRows) =>
        new TableBlockReader(source, new TableFeaturizer(schema), condition, ids.Indices).ReadBlocks(blockRows).Select(block => (Rows(block, schema, condition), block.Ids));

    /// <summary>The rows of one block read by <see cref="TableBlockReader"/>.</summary>
    public static VaeTableRows Rows(TableColumnBlock block, TableSchema schema, ConditionSpec? condition) =>
        condition is null ? new VaeTableRows(schema, block.Columns)
            : new VaeTableRows(schema, block.Columns, condition.Column, Array.ConvertAll(block.Conditions!, c => condition.Classes[c]));

    /// <summary>The rows of <paramref name="table"/> (the whole file or one block of it) as <paramref name="featurizer"/>'s schema reads them.</summary>
    public static VaeTableRows Rows(RawTable table, TableFeaturizer featurizer, ConditionSpec? condition)
    {
        var columns = featurizer.GraphInputs(table);
        if (condition is null) return new VaeTableRows(featurizer.Schema, columns);
        var classes = TableCondition.Codes(table, condition);
        return new VaeTableRows(featurizer.Schema, columns, condition.Column, classes.Select(c => condition.Classes[c]).ToArray());
    }
}
