namespace VaeOnnx.Contract;

/// <summary>Lookups in a table's header row, whose names are unique and compared exactly (ordinal, case-sensitive).</summary>
public static class TableHeader
{
    /// <summary>The index of the column <paramref name="name"/> in <paramref name="header"/>, or -1.</summary>
    public static int IndexOf(this IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
            if (header[i] == name) return i;
        return -1;
    }
}
