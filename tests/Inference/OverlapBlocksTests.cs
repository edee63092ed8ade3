using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;

namespace VaeOnnx.Tests.Inference;

/// <summary>The overlapped block cursor (VaeSessionOptions.OverlapBlocks) and the in-place single-row input.</summary>
[TestClass]
public sealed class OverlapBlocksTests
{
    private static IEstimator<ITransformer> Chain(MLContext ml, VaeModel m) =>
        ml.Transforms.VaeEncode(m).Append(ml.Transforms.VaeDecode(m, "Mu", "Decoded")).Append(ml.Transforms.VaeAnomalyScore(m));

    private static (IDataView View, float[][] Data) Rows(MLContext ml, int rows)
    {
        var random = new Random(3);
        var data = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 40)).ToArray()).ToArray();
        return (FeatureRow.View(ml, data, 5, Enumerable.Range(0, rows)), data);
    }

    [TestMethod]
    [DataRow(7)]
    [DataRow(64)]
    public void OverlappedBlocksGiveTheSameRowsBitForBit(int blockSize)
    {
        var ml = new MLContext(1);
        var (view, _) = Rows(ml, 300);
        var plain = Chain(ml, VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = blockSize })).Fit(view).Transform(view);
        var overlapped = Chain(ml, VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = blockSize, OverlapBlocks = true })).Fit(view).Transform(view);
        CollectionAssert.AreEqual(Enumerable.Range(0, 300).ToArray(), overlapped.GetColumn<int>("Label").ToArray(), "pass-through columns keep their rows");
        foreach (var column in new[] { "Mu", "LogVar", "Decoded", "Features" })
            CollectionAssert.AreEqual(plain.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray(),
                overlapped.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray(), column);
        CollectionAssert.AreEqual(plain.GetColumn<float>("Score").ToArray(), overlapped.GetColumn<float>("Score").ToArray());
        using var cursor = overlapped.GetRowCursor(overlapped.Schema);
        var id = cursor.GetIdGetter();
        var ids = new HashSet<DataViewRowId>();
        long expected = 0;
        while (cursor.MoveNext())
        {
            Assert.AreEqual(expected++, cursor.Position);
            DataViewRowId rowId = default;
            id(ref rowId);
            ids.Add(rowId);
        }
        Assert.AreEqual(300, ids.Count, "each row keeps its own id");
    }

    [TestMethod]
    public void StoppingEarlyDisposesTheBlockInFlight()
    {
        var ml = new MLContext(1);
        var (view, _) = Rows(ml, 200);
        var model = VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = 16, OverlapBlocks = true });
        var transformer = ml.Transforms.VaeEncode(model).Fit(view);
        var output = transformer.Transform(view);
        var reference = ml.Transforms.VaeEncode(VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = 16 })).Fit(view).Transform(view)
            .GetColumn<VBuffer<float>>("Mu").SelectMany(v => v.DenseValues()).ToArray();
        for (int stop = 1; stop < 60; stop += 17)
        {
            using (var cursor = output.GetRowCursor([output.Schema["Mu"]]))
                for (int i = 0; i < stop; i++) Assert.IsTrue(cursor.MoveNext()); // disposed with the next block being scored
            // The buffers given back are whole: a full pass after the early stops computes the same means.
            CollectionAssert.AreEqual(reference, output.GetColumn<VBuffer<float>>("Mu").SelectMany(v => v.DenseValues()).ToArray(), $"after stopping at row {stop}");
        }
        ((IDisposable)transformer).Dispose();
    }

    [TestMethod]
    public void AnUpstreamErrorWhileABlockIsScoredSurfacesUnchanged()
    {
        var ml = new MLContext(1);
        var (view, _) = Rows(ml, 100);
        var model = VaeModel.Load(ModelPairs.Tabular, new VaeSessionOptions { BlockSize = 10, OverlapBlocks = true });
        var transformer = ml.Transforms.VaeEncode(model).Fit(view);
        // Row 35 fails when read: at the latest while the fourth block is filled and the third is scored on the pool thread.
        var failing = ml.Transforms.CustomMapping<FeatureRow, FeatureRow>((input, output) =>
        {
            if (input.Label == 35) throw new InvalidDataException("row 35 is unreadable");
            output.Features = input.Features;
            output.Label = input.Label;
        }, contractName: null, inputSchemaDefinition: FeatureRow.Schema(5), outputSchemaDefinition: FeatureRow.Schema(5)).Fit(view).Transform(view);
        var output = transformer.Transform(failing);
        int served = 0;
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var cursor = output.GetRowCursor([output.Schema["Mu"]]);
            var mu = cursor.GetGetter<VBuffer<float>>(output.Schema["Mu"]);
            VBuffer<float> value = default;
            while (cursor.MoveNext())
            {
                mu(ref value);
                served++;
            }
        });
        // ML.NET's CustomMapping cursor wraps its own error; the overlap passes it on unchanged.
        Assert.IsInstanceOfType<InvalidDataException>(error.InnerException);
        StringAssert.Contains(error.InnerException.Message, "row 35");
        // ML.NET's splitter may read ahead of the cursor, so the error can come with an earlier block; only whole blocks are served.
        Assert.IsTrue(served <= 30 && served % 10 == 0, $"{served} rows served before the error");
        Assert.AreEqual(100, transformer.Transform(view).GetColumn<VBuffer<float>>("Mu").Count(), "the engine scores again after the failed pass");
        ((IDisposable)transformer).Dispose();
    }

    [TestMethod]
    public void PredictionEngineReadsDenseAndSparseInputsAsTheBlocksDo()
    {
        var ml = new MLContext(1);
        var (view, data) = Rows(ml, 40);
        for (int i = 0; i < data.Length; i += 3) { data[i][1] = 0; data[i][3] = 0; }
        view = FeatureRow.View(ml, data, 5, Enumerable.Range(0, data.Length));
        var model = VaeModel.Load(ModelPairs.Tabular);
        var transformer = ml.Transforms.VaeEncode(model).Fit(view);
        var blocks = transformer.Transform(view).GetColumn<VBuffer<float>>("Mu").Select(v => v.DenseValues().ToArray()).ToArray();
        var output = SchemaDefinition.Create(typeof(MuRow), SchemaDefinition.Direction.Read);
        output["Mu"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        using var dense = ml.Model.CreatePredictionEngine<FeatureRow, MuRow>(transformer, inputSchemaDefinition: FeatureRow.Schema(5), outputSchemaDefinition: output);
        var sparseSchema = SchemaDefinition.Create(typeof(SparseRow));
        sparseSchema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 5);
        using var sparse = ml.Model.CreatePredictionEngine<SparseRow, MuRow>(transformer, inputSchemaDefinition: sparseSchema, outputSchemaDefinition: output);
        for (int i = 0; i < data.Length; i++)
        {
            CollectionAssert.AreEqual(blocks[i], dense.Predict(new FeatureRow { Features = data[i] }).Mu, $"dense row {i}");
            var indices = Enumerable.Range(0, 5).Where(j => data[i][j] != 0).ToArray();
            var row = new SparseRow { Features = new VBuffer<float>(5, indices.Length, indices.Select(j => data[i][j]).ToArray(), indices) };
            CollectionAssert.AreEqual(blocks[i], sparse.Predict(row).Mu, $"sparse row {i}");
        }
        ((IDisposable)transformer).Dispose();
    }

    private sealed class MuRow
    {
        public float[] Mu { get; set; } = [];
    }

    private sealed class SparseRow
    {
        public VBuffer<float> Features { get; set; }
        public int Label { get; set; }
    }
}
