namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Which transformer a <see cref="SavedSegment"/> marker records, written into saved chains by name (snake case): the
/// names are part of the saved format and never change.
/// </summary>
internal enum SavedStepKind
{
    /// <summary><c>VaeEncode</c>: x -> mu, logvar.</summary>
    Encode,
    /// <summary><c>VaeDecode</c>: z -> x_hat.</summary>
    Decode,
    /// <summary><c>VaeReconstruct</c>: x -> decode(mu).</summary>
    Reconstruct,
    /// <summary><c>VaeAnomalyScore</c>: x -> score and its parts.</summary>
    AnomalyScore,
    /// <summary><c>VaeTableScore</c>: a table's columns -> score, parts, contributions and the anomaly flag.</summary>
    TableScore = 5,
}
