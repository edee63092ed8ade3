using Google.Protobuf;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using DataType = VaeOnnx.Contract.Onnx.Proto.TensorProto.Types.DataType;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The saved chain's one-hot of a conditional table pair's condition column: input the column's text [N,1], output c
/// [N,K] in the order of <see cref="ConditionSpec.Classes"/>. ML.NET's stock one-hot would give zeros for a value the model
/// was not trained on, a silent wrong score; here such a value maps to index K, outside the identity rows it gathers
/// from, so ONNX Runtime refuses the row, as the block transformer does.
/// </summary>
internal static class ConditionOneHotGraph
{
    /// <summary>The graph's bytes, reading column <see cref="ConditionSpec.Column"/> and writing <paramref name="output"/>.</summary>
    public static byte[] Build(ConditionSpec condition, string output)
    {
        int k = condition.Dim;
        var g = new OnnxGraphBuilder("vae_condition_one_hot");
        g.AddInput(condition.Column, DataType.String, 1);
        var codes = new Contract.Onnx.Proto.AttributeProto { Name = "values_int64s", Type = Contract.Onnx.Proto.AttributeProto.Types.AttributeType.Ints };
        codes.Ints.AddRange(Enumerable.Range(0, k).Select(i => (long)i));
        var index = g.AddNode("LabelEncoder", OnnxGraphBuilder.MlDomain, "condition.code", [condition.Column], [null],
            OnnxGraphBuilder.Attribute("keys_strings", condition.Classes), codes, OnnxGraphBuilder.Attribute("default_int64", (long)k))[0];
        var identity = new float[k * k];
        for (int i = 0; i < k; i++) identity[i * k + i] = 1f;
        var rows = g.AddNode("Gather", "condition.rows", [g.AddInitializer("identity", identity, k, k), index], null, OnnxGraphBuilder.Attribute("axis", 0L));
        g.AddNode("Reshape", "condition.one_hot", [rows, g.AddInt64Initializer("one_hot_shape", -1, k)], output);
        g.AddOutput(output, k);
        return g.BuildModel("1", 1, "VaeOnnx: a conditional table pair's condition column as the one-hot c; an unknown value fails.", []).ToByteArray();
    }
}
