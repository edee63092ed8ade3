using VaeOnnx.Contract.Onnx;
using System.Text;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Inference.Scoring;
using VaeOnnx.Tests.Data;
using VaeOnnx.Tests.Inference;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Reliability;

[TestClass]
public sealed class HostileInputTests
{
    public TestContext TestContext { get; set; } = null!;

    private void Report(HostileInputReport report)
    {
        TestContext.WriteLine(report.ToString());
        Console.WriteLine(report);
        Assert.IsTrue(report.Rejected > report.Cases / 2, report.ToString());
    }

    private static byte[] IdxImages()
    {
        var (pixels, count, h, w) = IdxReader.ReadImages(Path.Combine(ShippedSampleTests.Folder, "t10k-images-idx3-ubyte.gz"));
        var bytes = pixels.Take(20 * h * w).Select(p => (byte)Math.Round(p * 255)).ToArray();
        return IdxFiles.Bytes(8, [20, h, w], bytes);
    }

    [TestMethod]
    public void IdxFilesRaw() =>
        Report(HostileInput.Check("IDX (raw)", IdxImages(), Path.Combine(RepoPaths.NewTempFolder("h-idx"), "images-idx3-ubyte"),
            p => IdxReader.ReadImages(p), [typeof(DataFormatException)]));

    [TestMethod]
    public void IdxFilesGzipped() =>
        Report(HostileInput.Check("IDX (gzip)", IdxFiles.Gzip(IdxImages()), Path.Combine(RepoPaths.NewTempFolder("h-gz"), "images-idx3-ubyte.gz"),
            p => IdxReader.ReadImages(p), [typeof(DataFormatException)]));

    [TestMethod]
    public void CsvTables()
    {
        var text = new StringBuilder("temperature,pressure,\"flow, l/s\",kind\n");
        var random = new Random(3);
        for (int i = 0; i < 30; i++) text.Append(FormattableString.Invariant($"{20 + random.NextDouble():F3},{1000 + random.Next(50)},{random.NextDouble():E2},{(i % 2 == 0 ? "a" : "\"b, c\"")}\n"));
        Report(HostileInput.Check("CSV", Encoding.UTF8.GetBytes(text.ToString()), Path.Combine(RepoPaths.NewTempFolder("h-csv"), "table.csv"),
            p => CsvTableReader.Read(p, new CsvReadOptions { LabelColumn = "kind" }), [typeof(DataFormatException)]));
    }

    [TestMethod]
    public void OnnxFilesThroughOurReader() =>
        Report(HostileInput.Check("ONNX (VaeOnnx reader)", File.ReadAllBytes(Path.Combine(ModelPairs.Tabular, "encoder.onnx")),
            Path.Combine(RepoPaths.NewTempFolder("h-onnx"), "encoder.onnx"), p => OnnxFile.Read(p), [typeof(ModelFileException)]));

    [TestMethod]
    public void OnnxPairsThroughTheModelLoader()
    {
        var folder = RepoPaths.NewTempFolder("h-pair");
        File.Copy(Path.Combine(ModelPairs.Tabular, "encoder.onnx"), Path.Combine(folder, "encoder.onnx"));
        Report(HostileInput.Check("ONNX pair (VaeModel.Load, ONNX Runtime)", File.ReadAllBytes(Path.Combine(ModelPairs.Tabular, "decoder.onnx")),
            Path.Combine(folder, "decoder.onnx"), _ => VaeModel.Load(folder), [typeof(VaeModelLoadException)]));
    }

    [TestMethod]
    [DataRow("encoder.onnx", "decoder.onnx")]
    [DataRow("decoder.onnx", "encoder.onnx")]
    public void OnnxGraphsWithStructuralDamage(string damaged, string intact)
    {
        // A pair that loads must also score: damage that ONNX Runtime finds only when a graph runs belongs to loading too.
        var folder = RepoPaths.NewTempFolder("h-graph");
        File.Copy(Path.Combine(ModelPairs.Tabular, intact), Path.Combine(folder, intact));
        Report(HostileInput.Check($"ONNX graph structure, {damaged} (VaeModel.Load + one scored row)", GraphDamage.Gen,
            File.ReadAllBytes(Path.Combine(ModelPairs.Tabular, damaged)), Path.Combine(folder, damaged), _ =>
            {
                using var pass = new AnomalyScorePass(VaeModel.Load(folder));
                var buffers = pass.RentBuffers(1);
                try
                {
                    float[] row = [100f, 1f, 0.1f, 0.001f, 50f];
                    row.CopyTo(buffers.Input, 0);
                    pass.Run(buffers, 1);
                }
                finally
                {
                    pass.ReturnBuffers(buffers);
                }
            }, [typeof(VaeModelLoadException)]));
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void InspectAndTheLoaderGiveTheSameVerdict(bool structural)
    {
        // One reader, one loader: vae inspect's exit code and pair line are VaeModel.Load's verdict, and where the contract's
        // reader refuses the damaged file alone, the loader refuses the pair with the reader's own message.
        var folder = RepoPaths.NewTempFolder("h-inspect");
        File.Copy(Path.Combine(ModelPairs.Tabular, "encoder.onnx"), Path.Combine(folder, "encoder.onnx"));
        var valid = File.ReadAllBytes(Path.Combine(ModelPairs.Tabular, "decoder.onnx"));
        var path = Path.Combine(folder, "decoder.onnx");
        void Agree(string damaged)
        {
            var inspect = VaeOnnx.Tests.Cli.CliRun.Invoke("inspect", "--model", folder);
            VaeModelLoadException? refused = null;
            try
            {
                VaeModel.Load(folder);
            }
            catch (VaeModelLoadException e)
            {
                refused = e;
            }
            if (refused is null ? inspect.ExitCode != 0 : inspect.ExitCode != 1 || !inspect.Output.Contains("pair: does not load: " + refused.Message))
                throw new InvalidOperationException($"inspect and the loader disagree: loader {refused?.Message ?? "loads"}; inspect {inspect}");
            string? readerRefusal = null;
            try
            {
                OnnxFile.Read(damaged);
            }
            catch (ModelFileException e)
            {
                readerRefusal = e.Message;
            }
            if (readerRefusal is not null && readerRefusal != refused?.Message)
                throw new InvalidOperationException($"the reader refuses with '{readerRefusal}' but the loader says '{refused?.Message ?? "loads"}'");
            if (refused is not null) throw refused;
        }
        var report = structural
            ? HostileInput.Check("inspect vs VaeModel.Load, structural damage", GraphDamage.Gen, valid, path, Agree, [typeof(VaeModelLoadException)], iterations: 2_000)
            : HostileInput.Check("inspect vs VaeModel.Load, byte damage", valid, path, Agree, [typeof(VaeModelLoadException)], iterations: 2_000);
        TestContext.WriteLine(report.ToString());
        Assert.IsTrue(report.Rejected > 0 && report.Accepted > 0, report.ToString());
    }

    [TestMethod]
    public void CheckpointJson()
    {
        var (folder, info) = Checkpoint();
        var path = Path.Combine(folder, VaeCheckpoint.InfoFileName);
        Report(HostileInput.Check("checkpoint.json", File.ReadAllBytes(path), path, _ => VaeCheckpoint.Load(folder).Model.Dispose(), [typeof(CheckpointFormatException)]));
    }

    [TestMethod]
    public void CheckpointWeights()
    {
        var (folder, info) = Checkpoint();
        var path = Path.Combine(folder, info.WeightsFile);
        Report(HostileInput.Check("checkpoint weights", File.ReadAllBytes(path), path, _ => VaeCheckpoint.Load(folder).Model.Dispose(), [typeof(CheckpointFormatException)]));
    }

    [TestMethod]
    public void ModelCards()
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("h-card"), "model.json");
        Report(HostileInput.Check("model.json", File.ReadAllBytes(Path.Combine(ModelPairs.Tabular, "model.json")), path,
            p => VaeOnnx.Contract.ModelCard.Read(p), [typeof(ModelFileException)]));
    }

    private static (string Folder, CheckpointInfo Info) Checkpoint()
    {
        var folder = RepoPaths.NewTempFolder("h-ckpt");
        var data = VaeOnnx.Tests.Training.SyntheticData.Split(200, 50, 8);
        var result = new VaeOnnx.Training.Trainer.VaeTrainer(new VaeOnnx.Training.Trainer.TrainingOptions { Epochs = 1, Threads = 1 })
            .Train(new VaeArchitecture { InputShape = [8], Hidden = [6], LatentDim = 2 }, data, folder);
        result.Model.Dispose();
        return (folder, result.Checkpoint);
    }
}
