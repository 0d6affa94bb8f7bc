using Microsoft.Extensions.Logging;

namespace Mesh.Node.Ingest;

internal static partial class IngestLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Rejected message on {Topic}: {Reason}")]
    public static partial void Rejected(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Message on {Topic} from {ClientId} was not recorded; closing the connection so the device resends it")]
    public static partial void NotRecorded(ILogger logger, Exception ex, string topic, string clientId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Host}:{Port}")]
    public static partial void BrokerStarted(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Connected to external MQTT broker {Host}:{Port} as {ClientId}")]
    public static partial void ExternalConnected(ILogger logger, string host, int port, string clientId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "External MQTT broker {Host}:{Port} unreachable; retrying in {Delay}")]
    public static partial void ExternalRetry(ILogger logger, Exception? ex, string host, int port, TimeSpan delay);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Could not publish to {Topic}")]
    public static partial void PublishFailed(ILogger logger, Exception ex, string topic);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "A site member left while {Device} reading {Seq} was being decided; asked its agent again")]
    public static partial void AskedAgain(ILogger logger, string device, long seq);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Message on {Topic} from {ClientId} held: the audit backlog is full; closing the connection so the device resends it")]
    public static partial void HeldBacklogFull(ILogger logger, string topic, string clientId);
}
