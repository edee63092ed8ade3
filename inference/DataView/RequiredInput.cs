using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// An input column a transform reads, and the one check of it (at <c>GetOutputSchema</c>, <c>Fit</c> and on every schema a
/// fitted transformer maps): a vector of <see cref="Width"/> floats, or, where <see cref="Cell"/> is set, one table cell
/// per row of that kind, given as Text, Boolean, Single, Double, Int32 or Int64 (and DateTime for a date column).
/// </summary>
/// <param name="Name">The column's name.</param>
/// <param name="Width">Floats per row of a vector column; 0 for a table cell.</param>
/// <param name="Cell">The kind of a table column; null for a vector column.</param>
internal sealed record RequiredInput(string Name, int Width, ColumnKind? Cell = null)
{
    /// <summary>A table column of kind <paramref name="kind"/>, one value per row.</summary>
    public static RequiredInput TableCell(string name, ColumnKind kind) => new(name, 0, kind);

    /// <summary>The column in <paramref name="schema"/>, checked; <paramref name="all"/> are the transform's inputs, named when a table column is missing.</summary>
    public DataViewSchema.Column Find(DataViewSchema schema, IReadOnlyList<RequiredInput> all)
    {
        var found = schema.GetColumnOrNull(Name)
            ?? throw new ArgumentException($"input column '{Name}' not found; {Expected(all)}. Columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}");
        if (Cell is { } kind)
        {
            if (!TableRowInput.Accepts(found.Type, kind))
                throw new ArgumentException($"input column '{Name}' is {found.Type}; a {EnumText.Of(kind)} column is read from {TableRowInput.AcceptedTypes(kind)}");
        }
        else if (found.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size != Width)
            throw new ArgumentException($"input column '{Name}' is {found.Type}; expected a vector of {Width} floats (Vector<Single, {Width}>)");
        return found;
    }

    /// <summary>Checks the column's shape in <paramref name="schema"/> (opens nothing).</summary>
    public void Check(SchemaShape schema, IReadOnlyList<RequiredInput> all)
    {
        var found = schema.LastOrDefault(c => c.Name == Name);
        if (found.Name is null) throw new ArgumentException($"input column '{Name}' not found; {Expected(all)}");
        if (Cell is not null)
        {
            if (found.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw new ArgumentException($"input column '{Name}' is a {found.Kind}; expected one value per row");
        }
        else if (found.Kind != SchemaShape.Column.VectorKind.Vector || found.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"input column '{Name}' is {found.Kind} of {found.ItemType}; expected a vector of {Width} floats");
    }

    private string Expected(IReadOnlyList<RequiredInput> all) =>
        Cell is null ? $"expected a vector of {Width} floats" : $"the table model needs {string.Join(", ", all.Select(i => i.Name))}";
}
