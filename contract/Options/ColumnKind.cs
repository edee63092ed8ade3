using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>What a column of a business table holds, and so which likelihood models it. Written as "numeric", "integer", "boolean" or "categorical".</summary>
[JsonConverter(typeof(ContractEnumConverter<ColumnKind>))]
public enum ColumnKind
{
    /// <summary>Real-valued amounts and measurements: standardised, Gaussian likelihood.</summary>
    [JsonStringEnumMemberName("numeric")]
    Numeric,

    /// <summary>Whole numbers (counts, years): modelled as numeric, written back as integers.</summary>
    [JsonStringEnumMemberName("integer")]
    Integer,

    /// <summary>Yes/no flags: Bernoulli likelihood, written back with the file's own two spellings.</summary>
    [JsonStringEnumMemberName("boolean")]
    Boolean,

    /// <summary>Text categories (or integer codes declared as categories): one-hot, softmax cross-entropy.</summary>
    [JsonStringEnumMemberName("categorical")]
    Categorical,
}
