using Google.Protobuf;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Training.Classifier;
using static TorchSharp.torch;

namespace VaeOnnx.Export;

/// <summary>
/// Writes a trained <see cref="ImageClassifier"/> as one ONNX graph, x [N, H*W] -> logits [N, K] and features [N, F], with
/// its facts in <see cref="ClassifierMetadataKeys"/>, and checks it against the TorchSharp model in ONNX Runtime
/// (both outputs within <see cref="ParityCheck.Tolerance"/>) before it is renamed into place.
/// </summary>
public static class ClassifierExporter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>; returns the largest parity difference on <paramref name="parityRows"/>.</summary>
    public static double Export(ImageClassifier model, string path, ClassifierDescription description, float[] parityRows)
    {
        int d = model.Height * model.Width;
        var g = new OnnxGraphBuilder("vae_quality_classifier");
        var x = g.AddInput(ClassifierMetadataKeys.InputName, d);
        var h = ModuleGraphMapper.Append(g, model.features, "features", x);
        var logits = ModuleGraphMapper.Append(g, model.head, "head", h);
        g.RenameValue(h, ClassifierMetadataKeys.FeaturesOutput);
        g.RenameValue(logits, ClassifierMetadataKeys.LogitsOutput);
        g.AddOutput(ClassifierMetadataKeys.LogitsOutput, model.Classes);
        g.AddOutput(ClassifierMetadataKeys.FeaturesOutput, ImageClassifier.FeatureDim);
        var c = CultureInfo.InvariantCulture;
        var proto = g.BuildModel(VaeOnnxExporter.ProducerVersion, 1,
            $"VaeOnnx sample-quality classifier: x [N, {d}] pixels in [0,1] -> logits [N, {model.Classes}], features [N, {ImageClassifier.FeatureDim}] (the penultimate ReLU layer, the space of the Fréchet distance).",
            [
                new(ClassifierMetadataKeys.Dataset, description.Dataset),
                new(ClassifierMetadataKeys.Classes, JsonSerializer.Serialize(description.Classes)),
                new(ClassifierMetadataKeys.ImageShape, $"1x{model.Height}x{model.Width}"),
                new(ClassifierMetadataKeys.FeatureDim, ImageClassifier.FeatureDim.ToString(c)),
                new(ClassifierMetadataKeys.TestAccuracy, description.TestAccuracy.ToString("R", c)),
                new(ClassifierMetadataKeys.TestRows, description.TestRows.ToString(c)),
                new(ClassifierMetadataKeys.TrainingCommand, description.TrainingCommand),
            ]);
        var staging = path + ".export-tmp";
        try
        {
            AtomicFileWriter.Write(staging, s => proto.WriteTo(s));
            double diff = Parity(model, staging, parityRows);
            File.Move(staging, path, overwrite: true);
            return diff;
        }
        finally
        {
            if (File.Exists(staging)) File.Delete(staging);
        }
    }

    private static double Parity(ImageClassifier model, string path, float[] rows)
    {
        int d = model.Height * model.Width, n = rows.Length / d;
        float[] logits, features;
        model.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            var (l, f) = model.forward(tensor(rows, [n, d]));
            (logits, features) = (l.data<float>().ToArray(), f.data<float>().ToArray());
        }
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        using var runOptions = new RunOptions();
        using var x = OrtValue.CreateTensorValueFromMemory(rows, [n, d]);
        using var outputs = session.Run(runOptions, [ClassifierMetadataKeys.InputName], [x], [ClassifierMetadataKeys.LogitsOutput, ClassifierMetadataKeys.FeaturesOutput]);
        double diff = Math.Max(MaxAbsDiff(outputs[0].GetTensorDataAsSpan<float>(), logits), MaxAbsDiff(outputs[1].GetTensorDataAsSpan<float>(), features));
        if (!(diff <= ParityCheck.Tolerance))
            throw new OnnxExportException(string.Create(CultureInfo.InvariantCulture, $"classifier parity check failed: ONNX Runtime differs from the TorchSharp model by {diff:G3} on {n} rows; the limit is {ParityCheck.Tolerance:G1}. Nothing was written."));
        return diff;
    }

    private static double MaxAbsDiff(ReadOnlySpan<float> a, float[] b)
    {
        if (a.Length != b.Length) return double.PositiveInfinity;
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }
}
