namespace VaeOnnx.Inference.Serving;

/// <summary>
/// The four chains a VAE service needs, built by <see cref="Add"/>: <see cref="Encode"/>, <see cref="Decode"/>,
/// <see cref="Reconstruct"/> and <see cref="Score"/>, reading <see cref="FeaturesColumn"/> (D floats) or, for decoding,
/// <see cref="LatentColumn"/> (L floats).
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
    /// <summary>Output columns.</summary>
    public const string MuColumn = "Mu", LogVarColumn = "LogVar", ReconstructionColumn = "Reconstruction", ScoreColumn = "Score";

    /// <summary>Adds the four chains (the score chain only when the pair has a likelihood).</summary>
    public static void Add(VaeChainBuilder builder)
    {
        var t = builder.Context.Transforms;
        var m = builder.Model;
        var features = builder.VectorSchema(FeaturesColumn);
        builder.Add(Encode, t.VaeEncode(m, FeaturesColumn, MuColumn, LogVarColumn), features);
        builder.Add(Decode, t.VaeDecode(m, LatentColumn, ReconstructionColumn), builder.VectorSchema(LatentColumn, m.LatentDim));
        builder.Add(Reconstruct, t.VaeReconstruct(m, FeaturesColumn, ReconstructionColumn), features);
        if (m.Likelihood is not null) builder.Add(Score, t.VaeAnomalyScore(m, FeaturesColumn, ScoreColumn), features);
    }
}
