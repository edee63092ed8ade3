namespace VaeOnnx.Contract;

/// <summary>
/// The <c>metadata_props</c> keys of the image classifier that sample quality is measured with (a single ONNX graph
/// x [N, D] -> logits [N, K], features [N, F]). They do not start with <see cref="VaeMetadataKeys.Prefix"/>: the file is
/// not half of a model pair.
/// </summary>
public static class ClassifierMetadataKeys
{
    /// <summary>Every key starts with this.</summary>
    public const string Prefix = "vaeonnx_classifier.";
    /// <summary>Data set the classifier was trained on.</summary>
    public const string Dataset = Prefix + "dataset";
    /// <summary>JSON array of the class names, by class index.</summary>
    public const string Classes = Prefix + "classes";
    /// <summary>Shape of one image, e.g. "1x28x28".</summary>
    public const string ImageShape = Prefix + "image_shape";
    /// <summary>Width F of the feature output.</summary>
    public const string FeatureDim = Prefix + "feature_dim";
    /// <summary>Accuracy on the test split, a fraction.</summary>
    public const string TestAccuracy = Prefix + "test_accuracy";
    /// <summary>Test images the accuracy was measured on.</summary>
    public const string TestRows = Prefix + "test_rows";
    /// <summary>The command that trained it.</summary>
    public const string TrainingCommand = Prefix + "training_command";

    /// <summary>Name of the graph's input.</summary>
    public const string InputName = "x";
    /// <summary>Name of the class-logits output.</summary>
    public const string LogitsOutput = "logits";
    /// <summary>Name of the feature output (the penultimate layer).</summary>
    public const string FeaturesOutput = "features";
}
