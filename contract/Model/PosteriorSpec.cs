using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>
/// The metadata of a posterior other than the diagonal Gaussian (<see cref="VaeMetadataKeys.Posterior"/>): its kind and
/// the encoder's extra input and outputs (see the key for their shapes).
/// </summary>
public sealed record PosteriorSpec
{
    /// <summary>Name of the encoder's noise input written by VaeOnnx.</summary>
    public const string DefaultEpsInput = "eps";
    /// <summary>Name of the encoder's draws output written by VaeOnnx.</summary>
    public const string DefaultZOutput = "z";
    /// <summary>Name of the encoder's log-density output written by VaeOnnx.</summary>
    public const string DefaultLogQOutput = "log_q";

    /// <summary>The posterior family.</summary>
    [JsonPropertyName("kind")] public PosteriorKind Kind { get; init; } = PosteriorKind.Iaf;
    /// <summary>Flow steps.</summary>
    [JsonPropertyName("flow_steps")] public int FlowSteps { get; init; }
    /// <summary>The encoder's noise input eps [N, R, L].</summary>
    [JsonPropertyName("eps_input")] public string EpsInput { get; init; } = DefaultEpsInput;
    /// <summary>The encoder's output z [N, R, L].</summary>
    [JsonPropertyName("z_output")] public string ZOutput { get; init; } = DefaultZOutput;
    /// <summary>The encoder's output log_q [N, R].</summary>
    [JsonPropertyName("log_q_output")] public string LogQOutput { get; init; } = DefaultLogQOutput;

    /// <summary>Reads and checks the metadata JSON; a problem is a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static PosteriorSpec Parse(string json, string path)
    {
        PosteriorSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<PosteriorSpec>(json);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.Posterior}' is not valid JSON ({e.Message})", e);
        }
        if (spec is null) throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.Posterior}' is empty");
        if (spec.Kind != PosteriorKind.Iaf || spec.FlowSteps < 1)
            throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.Posterior}' must describe an iaf posterior with at least one flow step");
        var names = new[] { spec.EpsInput, spec.ZOutput, spec.LogQOutput };
        if (names.Any(string.IsNullOrEmpty) || names.Distinct(StringComparer.Ordinal).Count() != 3)
            throw new ModelFileException(path, $"metadata '{VaeMetadataKeys.Posterior}' must name three distinct values eps_input, z_output and log_q_output");
        return spec;
    }
}
