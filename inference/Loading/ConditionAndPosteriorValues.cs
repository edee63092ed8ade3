using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Loading;

/// <summary>
/// The graph inputs and outputs a VaeOnnx pair marks in its metadata besides x, mu, logvar, z and x_hat: the condition
/// input c of a conditional pair (both graphs) and the noise input and draw outputs of an IAF posterior (encoder). They are
/// read before the shapes are bound, so that the plain encoder and decoder contract is checked on what remains.
/// </summary>
internal sealed record ConditionAndPosteriorValues(ConditionInput? EncoderCondition, ConditionInput? DecoderCondition, PosteriorSpec? Posterior)
{
    /// <summary>Names the encoder takes or produces beyond x, mu and logvar.</summary>
    public IReadOnlySet<string> EncoderValues { get; } = new HashSet<string>(
        new[] { EncoderCondition?.Input, Posterior?.EpsInput, Posterior?.ZOutput, Posterior?.LogQOutput }.OfType<string>(), StringComparer.Ordinal);

    /// <summary>The marks of both graphs; a malformed mark is a <see cref="ModelFileException"/> naming its file.</summary>
    public static ConditionAndPosteriorValues Read(LoadedGraph encoder, LoadedGraph decoder)
    {
        ConditionInput? Condition(LoadedGraph graph) =>
            graph.Properties.TryGetValue(VaeMetadataKeys.Condition, out var json) ? ConditionInput.Parse(json, graph.Path) : null;
        var e = Condition(encoder);
        var d = Condition(decoder);
        if ((e is null) != (d is null))
            throw (e is null ? encoder : decoder).Problem($"has no '{VaeMetadataKeys.Condition}' but {(e is null ? decoder : encoder).Path} does; both graphs of a conditional pair take the condition");
        if (e is not null && !e.Classes.SequenceEqual(d!.Classes))
            throw decoder.Problem($"metadata '{VaeMetadataKeys.Condition}' lists other classes than {encoder.Path}'s; the two files are not a pair");
        var posterior = encoder.Properties.TryGetValue(VaeMetadataKeys.Posterior, out var p) ? PosteriorSpec.Parse(p, encoder.Path) : null;
        return new ConditionAndPosteriorValues(e, d, posterior);
    }
}
