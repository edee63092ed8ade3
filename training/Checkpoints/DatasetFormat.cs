using System.Text.Json.Serialization;
using VaeOnnx.Contract;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>What kind of source a model was trained on.</summary>
[JsonConverter(typeof(ContractEnumConverter<DatasetFormat>))]
public enum DatasetFormat
{
    /// <summary>An MNIST-family folder of IDX files.</summary>
    [JsonStringEnumMemberName("idx")]
    Idx,

    /// <summary>A CSV table with a header row.</summary>
    [JsonStringEnumMemberName("csv")]
    Csv,
}
