using Microsoft.Extensions.Logging;

namespace Mesh.Node.Devices;

/// <summary>Device credentials and topic ACLs: event ids 7600-7619.</summary>
internal static partial class DeviceAccessLog
{
    [LoggerMessage(EventId = 7600, Level = LogLevel.Information, Message = "Devices file {Path} loaded: {Count} device(s) of site {Site}")]
    public static partial void Loaded(ILogger logger, string path, int count, string site);

    [LoggerMessage(EventId = 7601, Level = LogLevel.Warning, Message = "Devices file refused; still admitting the last good list ({Count} device(s)): {Errors}")]
    public static partial void FileRefused(ILogger logger, int count, string errors);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning, Message = "No devices file at {Path}: every device is refused until 'mesh device add' writes it (or Node:Devices:AllowAnonymous=true for a lab)")]
    public static partial void FileMissing(ILogger logger, string path);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Warning, Message = "Device {Kind} refused ({Code}): client {ClientId}, user {User}, topic {Topic}, from {Endpoint}: {Reason}")]
    public static partial void Refused(ILogger logger, string kind, string code, string clientId, string user, string topic, string endpoint, string reason);

    [LoggerMessage(EventId = 7604, Level = LogLevel.Warning, Message = "{Count} more device refusal(s) in the last minute were counted but not logged or audited one by one (Node:Devices:MaxAuditedRefusalsPerMinute {Limit})")]
    public static partial void Suppressed(ILogger logger, long count, int limit);

    [LoggerMessage(EventId = 7605, Level = LogLevel.Warning, Message = "A device refusal ({Reason}) could not be recorded in the audit journal; it stands")]
    public static partial void NotAudited(ILogger logger, Exception ex, string reason);

    [LoggerMessage(EventId = 7606, Level = LogLevel.Warning, Message = "Node:Devices:AllowAnonymous is true: any client may connect to the embedded broker and publish anything (labs only)")]
    public static partial void AnonymousAllowed(ILogger logger);
}
