using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaeOnnx.Inference.DataView;

/// <summary>
/// The <see cref="SchemaShape"/> an estimator promises, built without opening anything. ML.NET keeps
/// <c>SchemaShape.Column</c>'s constructor internal; a custom mapping with no inputs and a schema definition of exactly
/// our output columns is a public estimator whose <c>GetOutputSchema</c> does the bookkeeping and has no side effects.
/// </summary>
internal static class OutputShapes
{
    /// <summary><paramref name="input"/> plus float outputs (vectors of <c>Width</c> values, or single floats where <c>Width</c> is 0) and boolean <paramref name="flags"/>.</summary>
    public static SchemaShape Append(TransformsCatalog catalog, SchemaShape input, IReadOnlyList<(string Name, int Width)> outputs,
        IReadOnlyList<string>? flags = null)
    {
        var definition = SchemaDefinition.Create(typeof(Shapes));
        var used = new List<SchemaDefinition.Column>();
        int vectors = 0, scalars = 0;
        foreach (var (name, width) in outputs)
        {
            var memberName = width == 0 ? $"Scalar{scalars++}" : $"Vector{vectors++}";
            var member = definition.First(c => c.MemberName == memberName);
            member.ColumnName = name;
            member.ColumnType = width == 0 ? NumberDataViewType.Single : new VectorDataViewType(NumberDataViewType.Single, 1, width);
            used.Add(member);
        }
        int booleans = 0;
        foreach (var name in flags ?? [])
        {
            var member = definition.First(c => c.MemberName == $"Flag{booleans++}");
            member.ColumnName = name;
            used.Add(member);
        }
        definition.RemoveAll(c => !used.Contains(c));
        return catalog.CustomMapping<NoInput, Shapes>(static (_, _) => { }, contractName: null, outputSchemaDefinition: definition)
            .GetOutputSchema(input);
    }

    private sealed class NoInput;

    // Members are read by ML.NET through reflection; four of each kind cover every transformer.
#pragma warning disable CS0649
    private sealed class Shapes
    {
        public float[] Vector0 = [], Vector1 = [], Vector2 = [], Vector3 = [];
        public float Scalar0, Scalar1, Scalar2, Scalar3;
        public bool Flag0;
    }
#pragma warning restore CS0649
}
