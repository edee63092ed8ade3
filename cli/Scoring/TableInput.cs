using VaeOnnx.Inference;
using VaeOnnx.Training.Data.Tables;

namespace VaeOnnx.Cli.Scoring;

/// <summary>
/// A CSV file read for a table pair: the columns named in the pair's schema (others are ignored), numbers checked with the
/// file's line numbers ("line 7, column 'age': 'abc' is not a number; expected integer values like 1.5"), flags and
/// categories passed as text, so that a category never seen in training is scored as unknown rather than refused.
/// </summary>
public static class TableInput
{
    /// <summary>Reads <paramref name="path"/> as rows of <paramref name="schema"/>.</summary>
    public static VaeTableRows Read(string path, TableSchema schema)
    {
        var table = RawTableReader.Read(path);
        return new VaeTableRows(schema, new TableFeaturizer(schema).GraphInputs(table));
    }
}
