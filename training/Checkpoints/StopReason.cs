using System.Text.Json.Serialization;
using VaeOnnx.Contract;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>Why a training run ended, as <c>checkpoint.json</c> records it.</summary>
[JsonConverter(typeof(ContractEnumConverter<StopReason>))]
public enum StopReason
{
    /// <summary>Every epoch asked for was trained.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>The validation negative ELBO stopped improving; the best epoch's weights were restored.</summary>
    [JsonStringEnumMemberName("early_stopping")]
    EarlyStopping,

    /// <summary>Cancelled (Ctrl-C); the checkpoint holds the step reached, and <c>--resume</c> continues it.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,
}
