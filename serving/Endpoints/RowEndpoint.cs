using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>A POST endpoint that maps request rows through one hosted chain: its route, chain, input and result fields.</summary>
/// <param name="Name">The route without the slash, also the metrics' endpoint tag.</param>
/// <param name="Chain">The hosted chain.</param>
/// <param name="Latent">True when rows are latent vectors (L values), false for feature rows (D values).</param>
/// <param name="Fields">What each result row holds.</param>
internal sealed record RowEndpoint(string Name, string Chain, bool Latent, IReadOnlyList<ResultField> Fields)
{
    /// <summary>The chain's input column.</summary>
    public string InputColumn => Latent ? VaeStandardChains.LatentColumn : VaeStandardChains.FeaturesColumn;

    public static readonly RowEndpoint Encode = new("encode", VaeStandardChains.Encode, false,
        [new("mu", VaeStandardChains.MuColumn), new("logvar", VaeStandardChains.LogVarColumn)]);

    public static readonly RowEndpoint Reconstruct = new("reconstruct", VaeStandardChains.Reconstruct, false,
        [new("x_hat", VaeStandardChains.ReconstructionColumn)]);

    public static readonly RowEndpoint Score = new("score", VaeStandardChains.Score, false,
        VaeOnnx.Inference.VaeScoreParts.All.Select(p => new ResultField(p, VaeOnnx.Inference.VaeScoreParts.Column(VaeStandardChains.ScoreColumn, p))).ToArray());

    public static readonly RowEndpoint Decode = new("decode", VaeStandardChains.Decode, true,
        [new("x_hat", VaeStandardChains.ReconstructionColumn)]);

    /// <summary>/sample decodes its draws with the decode chain and returns each draw with its decoding.</summary>
    public static readonly RowEndpoint Sample = new("sample", VaeStandardChains.Decode, true,
        [new("z", VaeStandardChains.LatentColumn), new("x_hat", VaeStandardChains.ReconstructionColumn)]);
}
