using Microsoft.Extensions.Logging;

namespace VaeOnnx.Serving.Telemetry;

/// <summary>The service's log events, with named fields (structured: the JSON console writes each field as a property).</summary>
internal static partial class ServingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving pair {PairId} from {ModelFolder} ({InputDim} features, latent {LatentDim}, chains {Chains})")]
    public static partial void Serving(ILogger logger, string pairId, string modelFolder, int inputDim, int latentDim, string chains);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Swapped pair {OldPairId} for {NewPairId}")]
    public static partial void Swapped(ILogger logger, string oldPairId, string newPairId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Model folder changed but was not swapped in; still serving {PairId}: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string pairId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "{Endpoint} answered {Status}: {Rows} rows by pair {PairId} in {ElapsedMs:F2} ms")]
    public static partial void Answered(ILogger logger, string endpoint, int status, int rows, string pairId, double elapsedMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{Endpoint} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string endpoint, int status, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "ONNX Runtime: {Warning}")]
    public static partial void SessionWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "No API keys (Vae:ApiKeys) and listening on {Addresses}: anyone who reaches the service may score and synthesize")]
    public static partial void OpenAccess(ILogger logger, string addresses);
}
