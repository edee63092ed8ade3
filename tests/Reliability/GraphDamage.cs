using CsCheck;
using Google.Protobuf;
using VaeOnnx.Contract.Onnx.Proto;

namespace VaeOnnx.Tests.Reliability;

/// <summary>
/// Damage to the structure of an ONNX model rather than its bytes: the file still parses, but says something wrong
/// (wrong element types, missing initializers, wrong ranks, huge or negative dims, broken node wiring, unknown operators,
/// external data pointing outside the folder, odd IR or opset versions, damaged VaeOnnx metadata).
/// </summary>
/// <param name="Kind">Which of <see cref="Kinds"/>.</param>
/// <param name="Pick">Chooses the value, node, initializer or key damaged (taken modulo the number there is).</param>
/// <param name="Value">Chooses the bad value written.</param>
internal sealed record GraphDamage(int Kind, int Pick, int Value) : IFileDamage
{
    public static readonly string[] Kinds =
    [
        "element type", "drop initializer", "rank", "dim value", "initializer dims", "initializer data", "initializer type",
        "operator", "node input", "drop node", "graph signature", "versions", "metadata value", "drop metadata", "external data",
    ];

    public static readonly Gen<GraphDamage> Gen =
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, Kinds.Length - 1], CsCheck.Gen.Int[0, 1000], CsCheck.Gen.Int[0, 1000],
            (kind, pick, value) => new GraphDamage(kind, pick, value));

    private static readonly int[] ElementTypes = [0, 2, 6, 7, 8, 9, 10, 11, 16, 99, -3];
    private static readonly long[] Dims = [0, -1, -7, 1, 3, int.MaxValue, 1L + int.MaxValue, 1L << 32, (1L << 32) + 5, 1L << 40, long.MaxValue, long.MinValue];
    private static readonly string[] Operators = ["", "Gemm2", "Relu", "Conv", "MatMul", "Softmax", "Loop", "Identity"];
    private static readonly long[] Versions = [-1, 0, 1, 3, 7, 9, 99, 1000, long.MaxValue];
    private static readonly string[] MetadataValues = ["", "x", "-1", "0", "1", "99999999999", "{", "[]", "null", "[1e39]", "{\"kind\":\"minmax\"}", "1x1x1", "0x28x28", "gaussian", "decoder"];
    private static readonly string[] Locations = ["../../../../../etc/passwd", "/etc/passwd", "missing.bin", "", "encoder.onnx"];

    public byte[] Apply(byte[] valid)
    {
        var model = ModelProto.Parser.ParseFrom(valid);
        var graph = model.Graph;
        var values = graph.Input.Concat(graph.Output).ToArray();
        T Choose<T>(IReadOnlyList<T> list) => list[Pick % list.Count];
        TensorProto? Initializer() => graph.Initializer.Count == 0 ? null : Choose(graph.Initializer);
        switch (Kind)
        {
            case 0:
                Choose(values).Type.TensorType.ElemType = ElementTypes[Value % ElementTypes.Length];
                break;
            case 1:
                if (graph.Initializer.Count > 0) graph.Initializer.RemoveAt(Pick % graph.Initializer.Count);
                break;
            case 2:
            {
                var shape = Choose(values).Type.TensorType.Shape;
                switch (Value % 3)
                {
                    case 0: shape.Dim.RemoveAt(shape.Dim.Count - 1); break;
                    case 1: shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 + Value % 5 }); break;
                    default: shape.Dim.Clear(); break;
                }
                break;
            }
            case 3:
            {
                var shape = Choose(values).Type.TensorType.Shape;
                var dim = shape.Dim[Value % shape.Dim.Count];
                if (Value % 13 == 12) dim.DimParam = "huge"; else dim.DimValue = Dims[Value % Dims.Length];
                break;
            }
            case 4:
                if (Initializer() is { } t && t.Dims.Count > 0) t.Dims[Value % t.Dims.Count] = Dims[Value % Dims.Length];
                break;
            case 5:
                if (Initializer() is { } data) data.RawData = ByteString.CopyFrom(data.RawData.Span[..(data.RawData.Length * (Value % 4) / 4)]);
                break;
            case 6:
                if (Initializer() is { } typed) typed.DataType = ElementTypes[Value % ElementTypes.Length];
                break;
            case 7:
                Choose(graph.Node).OpType = Operators[Value % Operators.Length];
                break;
            case 8:
            {
                var node = Choose(graph.Node);
                node.Input[Value % node.Input.Count] = Value % 2 == 0 ? "missing" : graph.Output[0].Name;
                break;
            }
            case 9:
                graph.Node.RemoveAt(Pick % graph.Node.Count);
                break;
            case 10:
                switch (Value % 4)
                {
                    case 0: graph.Output.RemoveAt(Pick % graph.Output.Count); break;
                    case 1: graph.Input.Add(graph.Input[0].Clone()); graph.Input[^1].Name = "extra"; break;
                    case 2: graph.Output.Add(graph.Output[0].Clone()); graph.Output[^1].Name = graph.Input[0].Name; break;
                    default: graph.Input.Clear(); break;
                }
                break;
            case 11:
                if (Value % 2 == 0) model.IrVersion = Versions[Pick % Versions.Length];
                else model.OpsetImport[0].Version = Versions[Pick % Versions.Length];
                break;
            case 12:
                if (model.MetadataProps.Count > 0) Choose(model.MetadataProps).Value = MetadataValues[Value % MetadataValues.Length];
                break;
            case 13:
                if (model.MetadataProps.Count > 0) model.MetadataProps.RemoveAt(Pick % model.MetadataProps.Count);
                break;
            default:
                if (Initializer() is { } external)
                {
                    external.ClearRawData();
                    external.DataLocation = TensorProto.Types.DataLocation.External;
                    external.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Locations[Value % Locations.Length] });
                    if (Value % 3 == 0) external.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "99999999999" });
                }
                break;
        }
        return model.ToByteArray();
    }

    public override string ToString() => $"{Kinds[Kind]} (pick {Pick}, value {Value})";
}
