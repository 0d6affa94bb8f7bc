using Microsoft.Extensions.Logging;

namespace Mesh.Node.Identity;

/// <summary>The node's enrollment, renewal and TLS log messages; event ids 8200–8299.</summary>
internal static partial class NodeIdentityLog
{
    [LoggerMessage(EventId = 8200, Level = LogLevel.Information, Message = "Enrolled with {Hub} as node {NodeId} of site {Site}: certificate {Serial} valid until {NotAfter}")]
    public static partial void Enrolled(ILogger logger, string hub, string nodeId, string site, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "Enrollment with {Hub} failed ({Reason}); retrying in {Delay}")]
    public static partial void EnrollRetrying(ILogger logger, string hub, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Error, Message = "Enrollment with {Hub} refused: {Reason}. The node keeps running without a hub connection; ask an admin for a new token (mesh node token) and run mesh enroll")]
    public static partial void EnrollRefused(ILogger logger, string hub, string reason);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Warning, Message = "No certificate in {Directory} and no Node:Enrollment:Token: the node cannot reach its hub over mutual TLS until it enrolls (mesh enroll)")]
    public static partial void NotEnrolled(ILogger logger, string directory);

    [LoggerMessage(EventId = 8204, Level = LogLevel.Information, Message = "Certificate renewed: {Serial} valid until {NotAfter}")]
    public static partial void Renewed(ILogger logger, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 8205, Level = LogLevel.Warning, Message = "Certificate renewal failed ({Reason}); the current one is valid until {NotAfter}; retrying in {Delay}")]
    public static partial void RenewRetrying(ILogger logger, string reason, DateTimeOffset notAfter, TimeSpan delay);

    [LoggerMessage(EventId = 8206, Level = LogLevel.Warning, Message = "TLS connection to {Server} refused: {Reason}")]
    public static partial void ServerRefused(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 8207, Level = LogLevel.Information, Message = "Node certificate {Serial} of {NodeId} (site {Site}) in force until {NotAfter}; renewal from {RenewAt}")]
    public static partial void InForce(ILogger logger, string serial, string nodeId, string site, DateTimeOffset notAfter, DateTimeOffset renewAt);

    [LoggerMessage(EventId = 8208, Level = LogLevel.Information, Message = "The hub revoked {Added} more node certificate(s), {Count} in all (kept in {Path}): inference peers presenting one are refused")]
    public static partial void RevocationsAdded(ILogger logger, int added, int count, string path);

    [LoggerMessage(EventId = 8209, Level = LogLevel.Warning, Message = "Refused the revocation list the hub sent: {Problem}; the {Count} revoked serial(s) held before stay in force")]
    public static partial void RevocationsRefused(ILogger logger, string problem, int count);

    [LoggerMessage(EventId = 8210, Level = LogLevel.Warning, Message = "Could not save the revoked certificates to {Path}: they are in force until the node stops; free the disk or fix the folder's permissions")]
    public static partial void RevocationsNotSaved(ILogger logger, string path, Exception exception);
}
