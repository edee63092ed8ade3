using System.Text.Json.Serialization;

namespace VaeOnnx.Contract;

/// <summary>What a column of a business table holds, and so which likelihood models it. Written as "numeric", "integer", "boolean", "categorical", "date" or "datetime".</summary>
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

    /// <summary>
    /// Calendar dates (ISO 8601 yyyy-MM-dd, or a declared format): modelled as a number, whole days since the column's
    /// origin (<see cref="TableColumn.Origin"/>), and written back as dates in the file's own format.
    /// </summary>
    [JsonStringEnumMemberName("date")]
    Date,

    /// <summary>Dates with a time of day (ISO 8601 yyyy-MM-ddTHH:mm[:ss][Z or offset], or a declared format): modelled as fractional days since the column's origin, read and written as UTC.</summary>
    [JsonStringEnumMemberName("datetime")]
    DateTime,
}
