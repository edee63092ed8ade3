using System.Text;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Tables;
using VaeOnnx.Training.Data;
using VaeOnnx.Tables;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Reliability;

/// <summary>
/// The hostile-input rule of <see cref="HostileInput"/> for the table path: damaged table CSV files read for training
/// (reading, kind inference, featurising) and for scoring, and a damaged column schema in a table pair's metadata.
/// Fewer cases than the other readers (2,000 and 500), so that the three fit the suite's time budget.
/// </summary>
[TestClass]
public sealed class TableHostileInputTests
{
    private static string _model = "";

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        var folder = RepoPaths.NewTempFolder("h-table-model");
        var data = TableFiles.Customers(folder, 200);
        var training = TrainingDataLoader.Load(new DataSourceOptions { Path = data, Table = new TableReadOptions { IgnoreColumns = ["id"] } }, Likelihood.Mixed);
        var architecture = new VaeArchitecture { InputShape = [training.Train.FeatureCount], Hidden = [8], LatentDim = 2, Likelihood = Likelihood.Mixed };
        var checkpoint = Path.Combine(folder, "run");
        new VaeTrainer(new TrainingOptions { Epochs = 2, Threads = 1 }).Train(architecture, training, checkpoint).Model.Dispose();
        _model = Path.Combine(folder, "model");
        VaeOnnxExporter.ExportCheckpoint(checkpoint, _model);
    }

    private void Report(HostileInputReport report)
    {
        TestContext.WriteLine(report.ToString());
        Console.WriteLine(report);
        Assert.IsTrue(report.Rejected > 0 && report.Accepted > 0, report.ToString());
    }

    private static byte[] TableFile()
    {
        var folder = RepoPaths.NewTempFolder("h-table-csv");
        // Quoted cells with commas and quotes, a CRLF file with a BOM, blank cells: what the reader must get right.
        var text = File.ReadAllText(TableFiles.Customers(folder, 40)).Replace("Berlin", "\"Berlin, \"\"Mitte\"\"\"");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];
    }

    [TestMethod]
    public void TableCsvReadForTraining() =>
        Report(HostileInput.Check("table CSV, training (read, infer kinds, featurise)", TableFile(), Path.Combine(RepoPaths.NewTempFolder("h-table-train"), "customers.csv"),
            p => TableDataLoader.Load(new DataSourceOptions { Path = p, Table = new TableReadOptions { IgnoreColumns = ["id"] } }),
            [typeof(DataFormatException)], iterations: 2_000));

    [TestMethod]
    public void TableCsvReadForScoring()
    {
        var schema = VaeModel.Load(_model).Table!;
        Report(HostileInput.Check("table CSV, scoring (read with a model's schema)", TableFile(), Path.Combine(RepoPaths.NewTempFolder("h-table-score"), "customers.csv"),
            p => new TableFeaturizer(schema).GraphInputs(RawTableReader.Read(p)), [typeof(DataFormatException)], iterations: 2_000));
    }

    [TestMethod]
    public void TableSchemaMetadata()
    {
        // The schema's JSON damaged the same way in both graphs (a mismatch alone is refused before the schema is parsed),
        // then the pair loaded and one row scored: a schema that parses must also score.
        var folder = RepoPaths.NewTempFolder("h-table-schema");
        var graphs = new[] { "encoder.onnx", "decoder.onnx" }.ToDictionary(f => f, f => OnnxFile.ReadModel(Path.Combine(_model, f)));
        var json = Encoding.UTF8.GetBytes(graphs["encoder.onnx"].MetadataProps.Single(p => p.Key == VaeMetadataKeys.TableSchema).Value);
        void Write(byte[] damaged, string _)
        {
            foreach (var (file, graph) in graphs)
            {
                var copy = graph.Clone();
                copy.MetadataProps.Single(p => p.Key == VaeMetadataKeys.TableSchema).Value = Encoding.UTF8.GetString(damaged);
                File.WriteAllBytes(Path.Combine(folder, file), copy.ToByteArray());
            }
        }
        var ml = new MLContext(1);
        var row = new VaeTableRows(VaeModel.Load(_model).Table!, [new[] { "Paris" }, new[] { "yes" }, new[] { 45f }, new[] { 135f }, new[] { 5f }]);
        Report(HostileInput.Check("table schema metadata (VaeModel.Load + one scored row)", json, Path.Combine(folder, "encoder.onnx"), _ =>
        {
            // A pair that loads has the graphs' column names and text or number inputs, so the row fits it.
            var model = VaeModel.Load(folder);
            var view = row.ToDataView();
            using var scorer = ml.Transforms.VaeTableScore(model).Fit(view);
            scorer.Transform(view).GetColumn<float>("Score").Single();
        }, [typeof(VaeModelLoadException)], iterations: 500, write: Write));
    }
}
