namespace VaeOnnx.Inference.Serving;

/// <summary>
/// The four chains a VAE service needs, built by <see cref="Add"/>: <see cref="Encode"/>, <see cref="Decode"/>,
/// <see cref="Reconstruct"/> and <see cref="Score"/>, reading <see cref="FeaturesColumn"/> (D floats) or, for decoding,
/// <see cref="LatentColumn"/> (L floats). A conditional pair's chains also read <see cref="ConditionColumn"/>, the one-hot
/// vector of each row's condition (K floats), beside the features or the code.
/// </summary>
public static class VaeStandardChains
{
    /// <summary>x -> Mu, LogVar.</summary>
    public const string Encode = "encode";
    /// <summary>Z -> Reconstruction.</summary>
    public const string Decode = "decode";
    /// <summary>x -> Reconstruction (decode of the posterior mean).</summary>
    public const string Reconstruct = "reconstruct";
    /// <summary>x -> Score, Score_recon, Score_kl, Score_sqerr.</summary>
    public const string Score = "score";

    /// <summary>Input column of the encode, reconstruct and score chains.</summary>
    public const string FeaturesColumn = "Features";
    /// <summary>Input column of the decode chain.</summary>
    public const string LatentColumn = "Z";
    /// <summary>Input column of every chain of a conditional pair: the row's condition, one-hot over <see cref="VaeOnnx.Contract.ConditionSpec.Classes"/>.</summary>
    public const string ConditionColumn = VaeCatalogExtensions.DefaultConditionColumn;
    /// <summary>Output columns.</summary>
    public const string MuColumn = "Mu", LogVarColumn = "LogVar", ReconstructionColumn = "Reconstruction", ScoreColumn = "Score";

    /// <summary>Adds the four chains (the score chain only when the pair has a likelihood).</summary>
    public static void Add(VaeChainBuilder builder)
    {
        var t = builder.Context.Transforms;
        var m = builder.Model;
        string? condition = m.IsConditional ? ConditionColumn : null;
        var features = Schema(builder, FeaturesColumn, m.InputDim);
        builder.Add(Encode, t.VaeEncode(m, FeaturesColumn, MuColumn, LogVarColumn, condition), features);
        builder.Add(Decode, t.VaeDecode(m, LatentColumn, ReconstructionColumn, condition), Schema(builder, LatentColumn, m.LatentDim));
        builder.Add(Reconstruct, t.VaeReconstruct(m, FeaturesColumn, ReconstructionColumn, condition), features);
        if (m.Likelihood is not null) builder.Add(Score, t.VaeAnomalyScore(m, FeaturesColumn, ScoreColumn, condition), features);
    }

    private static Microsoft.ML.DataViewSchema Schema(VaeChainBuilder builder, string column, int size) => builder.Model.Condition is { } c
        ? builder.VectorSchema((column, size), (ConditionColumn, c.Dim))
        : builder.VectorSchema((column, size));
}
