using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;

namespace VaeOnnx.Inference.Quality;

/// <summary>
/// The image classifier that sample quality is measured with (see <see cref="ClassifierMetadataKeys"/>): its features of
/// a set of images feed the Fréchet distance, and its predicted classes say whether a conditional model's draws look like
/// their condition. Dispose it to close its ONNX Runtime session.
/// </summary>
public sealed class QualityClassifier : IDisposable
{
    private const int BlockRows = 1024;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private QualityClassifier(string path, InferenceSession session, int inputDim, int featureDim, IReadOnlyList<string> classes, double testAccuracy)
    {
        (Path, _session, InputDim, FeatureDim, Classes, TestAccuracy) = (path, session, inputDim, featureDim, classes, testAccuracy);
    }

    /// <summary>The ONNX file.</summary>
    public string Path { get; }
    /// <summary>Pixels per image.</summary>
    public int InputDim { get; }
    /// <summary>Width of the feature space.</summary>
    public int FeatureDim { get; }
    /// <summary>Class names by index.</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>The accuracy on the test split its metadata records.</summary>
    public double TestAccuracy { get; }

    /// <summary>Loads a classifier written by <c>vae classifier</c>; a file that is not one is a <see cref="ModelFileException"/> naming it.</summary>
    public static QualityClassifier Load(string path, VaeSessionOptions? options = null)
    {
        var summary = OnnxFile.Read(path, out var bytes);
        string Require(string key) => summary.Metadata.TryGetValue(key, out var value) ? value
            : throw new ModelFileException(path, $"metadata '{key}' is missing; expected a classifier written by vae classifier");
        int Size(string name, IReadOnlyList<OnnxValueInfo> values)
        {
            var value = values.FirstOrDefault(v => v.Name == name)
                ?? throw new ModelFileException(path, $"no value '{name}'; a quality classifier maps x [N, D] to logits [N, K] and features [N, F]");
            return value.Dims.Count == 2 && value.Dims[1] > 0 ? (int)value.Dims[1] : throw new ModelFileException(path, $"value '{name}' is {value.ShapeText}; expected [N, size]");
        }
        int inputDim = Size(ClassifierMetadataKeys.InputName, summary.Inputs);
        int featureDim = Size(ClassifierMetadataKeys.FeaturesOutput, summary.Outputs);
        int classCount = Size(ClassifierMetadataKeys.LogitsOutput, summary.Outputs);
        var classes = JsonSerializer.Deserialize<string[]>(Require(ClassifierMetadataKeys.Classes)) ?? [];
        if (classes.Length != classCount) throw new ModelFileException(path, $"metadata lists {classes.Length} classes for {classCount} logits");
        if (!double.TryParse(Require(ClassifierMetadataKeys.TestAccuracy), NumberStyles.Float, CultureInfo.InvariantCulture, out double accuracy))
            throw new ModelFileException(path, $"metadata '{ClassifierMetadataKeys.TestAccuracy}' is not a number");
        using var sessionOptions = (options ?? new VaeSessionOptions()).CreateSessionOptions(out _);
        return new QualityClassifier(path, new InferenceSession(bytes, sessionOptions), inputDim, featureDim, classes, accuracy);
    }

    /// <summary>Features [rows, F] and predicted classes [rows] of images (row-major, <see cref="InputDim"/> pixels each).</summary>
    public (float[] Features, int[] Predicted) Run(ReadOnlySpan<float> images)
    {
        if (images.Length % InputDim != 0) throw new ArgumentException($"{images.Length} values are not images of {InputDim} pixels");
        int rows = images.Length / InputDim, k = Classes.Count;
        var features = new float[(long)rows * FeatureDim];
        var predicted = new int[rows];
        var block = new float[BlockRows * InputDim];
        for (int start = 0; start < rows; start += BlockRows)
        {
            int n = Math.Min(BlockRows, rows - start);
            images.Slice(start * InputDim, n * InputDim).CopyTo(block);
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, block.AsMemory(0, n * InputDim), [n, InputDim]);
            using var outputs = _session.Run(_runOptions, [ClassifierMetadataKeys.InputName], [x], [ClassifierMetadataKeys.LogitsOutput, ClassifierMetadataKeys.FeaturesOutput]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            outputs[1].GetTensorDataAsSpan<float>().CopyTo(features.AsSpan(start * FeatureDim, n * FeatureDim));
            for (int r = 0; r < n; r++)
            {
                int best = 0;
                for (int c = 1; c < k; c++) if (logits[r * k + c] > logits[r * k + best]) best = c;
                predicted[start + r] = best;
            }
        }
        return (features, predicted);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
