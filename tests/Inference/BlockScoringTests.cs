using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Inference.DataView;

namespace VaeOnnx.Tests.Inference;

[TestClass]
public sealed class BlockScoringTests
{
    private static IEstimator<ITransformer> Chain(MLContext ml, VaeModel m) =>
        ml.Transforms.VaeEncode(m).Append(ml.Transforms.VaeDecode(m, "Mu", "Decoded")).Append(ml.Transforms.VaeReconstruct(m)).Append(ml.Transforms.VaeAnomalyScore(m));

    [TestMethod]
    public void BlocksGiveTheSameRowsAsRowByRowScoring()
    {
        var ml = new MLContext(1);
        var random = new Random(8);
        int rows = 2500;
        var data = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray();
        var view = FeatureRow.View(ml, data, 5, Enumerable.Range(0, rows));
        var blocked = VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = 1024 });
        var perRow = VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = 1 });
        var a = Chain(ml, blocked).Fit(view).Transform(view);
        var b = Chain(ml, perRow).Fit(view).Transform(view);
        Assert.IsInstanceOfType<BlockScoringDataView>(a);
        Assert.AreEqual(1, ((BlockScoringDataView)b).Plan.BlockSize, "block size 1 scores row by row through the same engine");
        CollectionAssert.AreEqual(Enumerable.Range(0, rows).ToArray(), a.GetColumn<int>("Label").ToArray(), "pass-through columns keep their rows");
        foreach (var column in new[] { "Mu", "LogVar", "Decoded", "Reconstruction" })
        {
            Assert.AreEqual(b.Schema[column].Type, a.Schema[column].Type, column);
            var x = a.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray();
            var y = b.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray();
            Assert.AreEqual(y.Length, x.Length, column);
            Assert.IsTrue(x.Zip(y).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5, column);
        }
        foreach (var column in new[] { "Score", "Score_recon", "Score_kl", "Score_sqerr" })
        {
            var x = a.GetColumn<float>(column).ToArray();
            var y = b.GetColumn<float>(column).ToArray();
            for (int i = 0; i < rows; i++) Assert.AreEqual(y[i], x[i], 1e-4 * Math.Max(1, Math.Abs(y[i])), $"{column} row {i}");
        }
        var features = a.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
        for (int i = 0; i < rows; i += 499) CollectionAssert.AreEqual(data[i], features[i]);
    }

    [TestMethod]
    public void CursorServesIdsPositionsAndOnlyRequestedColumns()
    {
        var ml = new MLContext(1);
        var data = Enumerable.Range(0, 10).Select(i => Enumerable.Repeat((float)i, 5).ToArray()).ToArray();
        var view = FeatureRow.View(ml, data, 5);
        var model = VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = 4 });
        var output = ml.Transforms.VaeEncode(model).Fit(view).Transform(view);
        using var cursor = output.GetRowCursor([output.Schema["Mu"]]);
        var mu = cursor.GetGetter<VBuffer<float>>(output.Schema["Mu"]);
        var id = cursor.GetIdGetter();
        var ids = new HashSet<DataViewRowId>();
        long expected = 0;
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            Assert.AreEqual(expected++, cursor.Position);
            mu(ref value);
            Assert.AreEqual(2, value.Length);
            DataViewRowId rowId = default;
            id(ref rowId);
            ids.Add(rowId);
        }
        Assert.AreEqual(10, expected);
        Assert.AreEqual(10, ids.Count, "each row keeps its own id");
        Assert.IsFalse(cursor.IsColumnActive(output.Schema["LogVar"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(output.Schema["LogVar"]));
    }
}
