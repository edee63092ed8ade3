using System.Text.Json;
using VaeOnnx.Contract;
using VaeOnnx.Serving.Rows;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>
/// The body of <c>POST /sample</c>: how many draws from the prior and the seed (the same seed gives the same draws), and
/// for a conditional pair the condition every draw is decoded with.
/// </summary>
/// <param name="Count">Draws, 1 to Vae:MaxSampleCount.</param>
/// <param name="Seed">Seed of the draws (default 1).</param>
/// <param name="Condition">A conditional pair's condition value (e.g. "Sneaker"); null for an unconditional pair.</param>
/// <param name="Sampler">Where the codes come from: the prior, or the Gaussian mixture a pair exported with --latent-mixture stores.</param>
public sealed record SampleRequest(int Count, int Seed = 1, string? Condition = null, LatentSampler Sampler = LatentSampler.Prior)
{
    /// <summary>Parses and checks a body; every problem is a <see cref="BadRequestException"/>.</summary>
    internal static SampleRequest Parse(ArraySegment<byte> body, int maxCount)
    {
        const string shape = "{\"count\": N, \"seed\": S, \"sampler\": \"prior\" or \"gmm\", \"condition\": \"value\" (conditional pairs)}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid JSON: {e.Message}; expected {shape}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new BadRequestException($"the body is {root.ValueKind}; expected {shape}");
            int? count = null, seed = null;
            string? condition = null;
            var sampler = LatentSampler.Prior;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == "count") count = Integer(property, 1, maxCount);
                else if (property.Name == "seed") seed = Integer(property, 0, int.MaxValue);
                else if (property.Name == "condition") condition = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                    : throw new BadRequestException($"'condition' is {property.Value.GetRawText()}; expected a condition value as a string");
                else if (property.Name == "sampler")
                    sampler = property.Value.ValueKind == JsonValueKind.String && EnumText.TryParse(property.Value.GetString(), out LatentSampler parsed) ? parsed
                        : throw new BadRequestException($"'sampler' is {property.Value.GetRawText()}; expected {EnumText.Choices<LatentSampler>()}");
                else throw new BadRequestException($"unknown property '{property.Name}'; expected {shape}");
            }
            return new SampleRequest(count ?? throw new BadRequestException($"no 'count'; expected {shape}"), seed ?? 1, condition, sampler);
        }
    }

    private static int Integer(JsonProperty property, int min, int max)
    {
        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out long value) || value < min || value > max)
            throw new BadRequestException($"'{property.Name}' is {property.Value.GetRawText()}; expected a whole number from {min} to {max}");
        return (int)value;
    }
}
