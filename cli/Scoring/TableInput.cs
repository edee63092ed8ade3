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
    public static VaeTableRows Read(string path, TableSchema schema, ConditionSpec? condition = null) =>
        Rows(TableSource.Parse(path).Read(), new TableFeaturizer(schema), condition);

    /// <summary>The rows of <paramref name="table"/> (the whole file or one block of it) as <paramref name="featurizer"/>'s schema reads them.</summary>
    public static VaeTableRows Rows(RawTable table, TableFeaturizer featurizer, ConditionSpec? condition)
    {
        var columns = featurizer.GraphInputs(table);
        if (condition is null) return new VaeTableRows(featurizer.Schema, columns);
        var classes = TableCondition.Codes(table, condition);
        return new VaeTableRows(featurizer.Schema, columns, condition.Column, classes.Select(c => condition.Classes[c]).ToArray());
    }
}
