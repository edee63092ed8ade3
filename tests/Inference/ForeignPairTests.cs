using System.Globalization;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Cli;
using VaeOnnx.Tests.Data;

namespace VaeOnnx.Tests.Inference;

/// <summary>
/// Pairs from other tools in the shapes those tools write: image inputs and outputs NCHW or NHWC, symbolic latent and image
/// sizes, encoders with a sampled z or a standard deviation or variance output, ir_version 7-10 and opsets 13-21. Every
/// number is compared with the one the exporting side computed (PyTorch, or numpy for the Keras-style graphs).
/// </summary>
[TestClass]
public sealed class ForeignPairTests
{
    private static readonly MLContext Ml = new(1);

    [TestMethod]
    [DataRow("chunk", "z_mean", "z_log_var", SpreadKind.LogVariance, "")]
    [DataRow("sigma", "mu", "sigma", SpreadKind.StandardDeviation, "")]
    [DataRow("sample", "z_mean", "z_log_var", SpreadKind.LogVariance, "z")]
    public void PyTorchConvVaeScoresAsPyTorchDoes(string form, string mean, string spread, SpreadKind kind, string ignored)
    {
        var folder = ForeignGraphs.Torch(form);
        var notes = new List<string>();
        var model = VaeModel.Load(folder, new VaeSessionOptions { Log = notes.Add });

        Assert.AreEqual(new ImageShape(1, 28, 28, InputLayout.Nchw), model.Image);
        Assert.AreEqual(InputLayout.Nchw, model.InputLayout);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, model.InputShape.ToArray());
        Assert.AreEqual(784, model.InputDim);
        Assert.AreEqual(6, model.LatentDim, "the latent size the graph leaves symbolic (chunk lowers to Slice) is found by running it");
        Assert.AreEqual(mean, model.EncoderMu);
        Assert.AreEqual(spread, model.EncoderSpread);
        Assert.AreEqual(kind, model.EncoderSpreadKind);
        CollectionAssert.AreEqual(ignored.Length == 0 ? Array.Empty<string>() : [ignored], model.IgnoredEncoderOutputs.ToArray());
        Assert.IsTrue(model.GraphsAdapted);
        Assert.IsFalse(model.WeightsVerified);
        Assert.AreEqual(1, notes.Count, string.Join("\n", notes));
        StringAssert.Contains(notes[0], "a pair from another tool (producer 'pytorch') carries no weights digest");

        var view = AssertScoresAsTheExporterComputed(model, folder);

        // The chain saved with mlContext.Model.Save carries the adapted graphs and gives the same numbers.
        var chain = Ml.Transforms.VaeEncode(model).Fit(view);
        var zip = Path.Combine(RepoPaths.NewTempFolder("foreign-zip"), "encode.zip");
        Ml.Model.Save(chain, view.Schema, zip);
        var loaded = Ml.Model.Load(zip, out _);
        AssertClose(ForeignGraphs.Floats(folder, "mu"), Column(loaded.Transform(view), "Mu"), "mu after save/load");
    }

    [TestMethod]
    [DataRow("nhwc", "logvar", "z_log_var", SpreadKind.LogVariance)]
    [DataRow("nchw", "std", "z_sigma", SpreadKind.StandardDeviation)]
    [DataRow("nhwc", "var", "z_var", SpreadKind.Variance)]
    [DataRow("nhwc", "logstd", "z_log_sigma", SpreadKind.LogStandardDeviation)]
    public void KerasStyleEncoderWithThreeOutputsScoresAsNumpyDoes(string layout, string spread, string spreadName, SpreadKind kind)
    {
        var folder = ForeignGraphs.Keras(layout, spread);
        var model = VaeModel.Load(folder, new VaeSessionOptions { Log = _ => { } });
        var expectedLayout = layout == "nhwc" ? InputLayout.Nhwc : InputLayout.Nchw;
        Assert.AreEqual(new ImageShape(3, 8, 8, expectedLayout), model.Image);
        CollectionAssert.AreEqual(layout == "nhwc" ? new[] { 8, 8, 3 } : [3, 8, 8], model.InputShape.ToArray());
        Assert.AreEqual(("z_mean", spreadName, kind), (model.EncoderMu, model.EncoderSpread, model.EncoderSpreadKind));
        CollectionAssert.AreEqual(new[] { "z" }, model.IgnoredEncoderOutputs.ToArray());

        AssertScoresAsTheExporterComputed(model, folder);

        // The IDX path: images stored channels last ([N, H, W, C] bytes) are put into the model's layout.
        var idx = Path.Combine(RepoPaths.NewTempFolder("foreign-idx"), "images-idx4-ubyte");
        File.WriteAllBytes(idx, IdxFiles.Bytes(8, [ForeignGraphs.KerasRows, 8, 8, 3], File.ReadAllBytes(Path.Combine(folder, "images-hwc.u8"))));
        var csv = Path.Combine(Path.GetDirectoryName(idx)!, "codes.csv");
        var run = CliRun.Invoke("encode", "--model", folder, "--input", idx, "--output", csv);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var codes = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        AssertClose(ForeignGraphs.Floats(folder, "mu"), codes.SelectMany(r => r[..4]).ToArray(), "mu through vae encode on an IDX file");
        AssertClose(ForeignGraphs.Floats(folder, "logvar"), codes.SelectMany(r => r[4..]).ToArray(), "logvar through vae encode on an IDX file");
    }

    [TestMethod]
    public void IrVersions7To10AndOpsets13To21Load()
    {
        var folder = ForeignGraphs.Keras("nhwc", "logvar");
        var x = ForeignGraphs.Floats(folder, "x").Chunk(192).ToArray();
        var view = FeatureRow.View(Ml, x, 192);
        var refused = new List<string>();
        for (long ir = 7; ir <= 10; ir++)
            for (long opset = 13; opset <= 21; opset++)
            {
                var copy = RepoPaths.NewTempFolder($"versions-{ir}-{opset}");
                foreach (var file in new[] { "encoder.onnx", "decoder.onnx" })
                {
                    var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, file)));
                    model.IrVersion = ir;
                    model.OpsetImport.Single().Version = opset;
                    File.WriteAllBytes(Path.Combine(copy, file), model.ToByteArray());
                }
                try
                {
                    var pair = VaeModel.Load(copy, new VaeSessionOptions { Log = _ => { } });
                    var scored = Ml.Transforms.VaeReconstruct(pair).Fit(view).Transform(view);
                    AssertClose(ForeignGraphs.Floats(folder, "xhat"), Column(scored, "Reconstruction"), $"x_hat at ir_version {ir}, opset {opset}");
                }
                catch (VaeModelLoadException e)
                {
                    refused.Add($"ir_version {ir}, opset {opset}: {e.Message}");
                }
            }
        Assert.AreEqual(0, refused.Count, string.Join("\n", refused));
    }

    [TestMethod]
    [DataRow("symbolic image dims", "encoder.onnx", "value 'input_1' [N,height,width,channels] has symbolic image dims ('height', 'width', 'channels'); expected fixed channels, height and width")]
    [DataRow("two means", "encoder.onnx", "outputs 'z_mean' [N,4], 'mean' [N,4] both look like the mean of q(z|x)")]
    [DataRow("one output", "encoder.onnx", "1 output besides the sampled 'z' [N,4] ('z_mean' [N,4], 'z' [N,4]); an encoder has two outputs, the mean and the log-variance")]
    [DataRow("three unnamed outputs", "encoder.onnx", "3 outputs ('a' [N,4], 'b' [N,4], 'c' [N,4]): no name says which is the mean and which the log-variance; expected outputs that say what they are: name the mean mu, mean or z_mean")]
    [DataRow("ambiguous layout", "encoder.onnx", "value 'input_1' [N,2,48,2] could be [N,C,H,W] or [N,H,W,C]")]
    [DataRow("decoder size", "decoder.onnx", "output 'decoder_output' [N,8,8,4] holds 256 values per row but {encoder} takes 192 ('input_1' [N,8,8,3], images 8x8x3 (nhwc)); expected the decoder to return what the encoder takes: the two files are not a pair")]
    [DataRow("decoder shape found by running it", "decoder.onnx", "output 'decoder_output' [N,4,4,12] does not return the images {encoder} takes ('input_1' [N,8,8,3], images 8x8x3 (nhwc)); expected the same image size and layout")]
    public void BadForeignPairsFailWithOneErrorNamingTheFileAndWhatWasExpected(string damage, string file, string expected)
    {
        static void Dims(ValueInfoProto value, params object[] dims)
        {
            var shape = value.Type.TensorType.Shape.Dim;
            for (int i = 0; i < dims.Length; i++)
                if (dims[i] is string name) shape[i + 1].DimParam = name; else shape[i + 1].DimValue = (int)dims[i];
        }
        Action<ModelProto> edit = damage switch
        {
            "symbolic image dims" => m => Dims(m.Graph.Input[0], "height", "width", "channels"),
            "two means" => m => ForeignGraphs.RenameOutput(m, "z_log_var", "mean"),
            "one output" => m => m.Graph.Output.RemoveAt(1),
            "three unnamed outputs" => m =>
            {
                ForeignGraphs.RenameOutput(m, "z_mean", "a");
                ForeignGraphs.RenameOutput(m, "z_log_var", "b");
                ForeignGraphs.RenameOutput(m, "z", "c");
            },
            "ambiguous layout" => m => Dims(m.Graph.Input[0], 2, 48, 2),
            "decoder size" => m => Dims(m.Graph.Output[0], 8, 8, 4),
            _ => m =>
            {
                // The declared sizes are symbolic and the reshape makes 4x4 images of 12 channels: only running the decoder shows it.
                Dims(m.Graph.Output[0], "h", "w", "c");
                m.Graph.Initializer.Single(t => t.Name == "shape").RawData = ByteString.CopyFrom(new long[] { -1, 4, 4, 12 }.SelectMany(BitConverter.GetBytes).ToArray());
            },
        };
        var folder = ForeignGraphs.Edited(ForeignGraphs.Keras("nhwc", "logvar"), file, edit);
        var message = Path.Combine(folder, file) + ": " + expected.Replace("{encoder}", Path.Combine(folder, "encoder.onnx"));
        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(folder));
        StringAssert.StartsWith(e.Message, message);
        var inspect = CliRun.Invoke("inspect", "--model", folder);
        Assert.AreEqual(1, inspect.ExitCode, inspect.ToString());
        StringAssert.Contains(inspect.Output, "pair: does not load: " + e.Message);
    }

    [TestMethod]
    public void InspectShowsTheLayoutAndWhichOutputIsWhich()
    {
        var run = CliRun.Invoke("inspect", "--model", ForeignGraphs.Keras("nchw", "std"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "pair: loads (");
        StringAssert.Contains(run.Output, "192 values per row: images 3x8x8 (nchw), latent 4");
        StringAssert.Contains(run.Output, "encoder outputs: mean 'z_mean', standard deviation 'z_sigma' (logvar = 2 ln sigma), ignored 'z'");
        StringAssert.Contains(run.Output, "weights: ");
        StringAssert.Contains(run.Output, "a pair from another tool (producer 'tf2onnx') carries no weights digest");
        Assert.AreEqual("", run.Error, "the load's note is part of inspect's report, not a second line on stderr");

        var png = Path.Combine(RepoPaths.NewTempFolder("foreign-png"), "samples.png");
        var sample = CliRun.Invoke("sample", "--model", ForeignGraphs.Keras("nhwc", "logvar"), "--count", "4", "--png", png);
        Assert.AreEqual(0, sample.ExitCode, sample.ToString());
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.AreEqual(2 + 2 * (16 + 2), bitmap.Width, "two 8x8 colour images per row at scale 2");
    }

    /// <summary>Encodes and reconstructs the exporter's rows through the ML.NET chain; mu, logvar (converted where the encoder gives another spread) and x_hat must match.</summary>
    private static IDataView AssertScoresAsTheExporterComputed(VaeModel model, string folder)
    {
        var view = FeatureRow.View(Ml, ForeignGraphs.Floats(folder, "x").Chunk(model.InputDim), model.InputDim);
        var scored = Ml.Transforms.VaeEncode(model).Append(Ml.Transforms.VaeReconstruct(model)).Fit(view).Transform(view);
        AssertClose(ForeignGraphs.Floats(folder, "mu"), Column(scored, "Mu"), "mu");
        AssertClose(ForeignGraphs.Floats(folder, "logvar"), Column(scored, "LogVar"), "logvar");
        AssertClose(ForeignGraphs.Floats(folder, "xhat"), Column(scored, "Reconstruction"), "x_hat");
        return view;
    }

    private static float[] Column(IDataView view, string name) =>
        view.GetColumn<VBuffer<float>>(name).SelectMany(v => v.DenseValues()).ToArray();

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"{what}[{i}]");
    }
}
