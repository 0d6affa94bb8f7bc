using Grpc.Core;

namespace Mesh.Hub.Enrollment;

/// <summary>The hub's enrollment and mutual-TLS log messages; event ids 8100–8199.</summary>
internal static partial class EnrollmentLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Hub CA {CaPath} (SHA-256 {Fingerprint}); nodes over mutual TLS on {NodeUrl}")]
    public static partial void CaReady(ILogger logger, string caPath, string fingerprint, string nodeUrl);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Enrollment token made by {By} for node {NodeId} of site {Site}, valid until {ExpiresAt}")]
    public static partial void TokenCreated(ILogger logger, string by, string nodeId, string site, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Node {NodeId} of site {Site} enrolled: certificate {Serial} valid until {NotAfter}")]
    public static partial void Enrolled(ILogger logger, string nodeId, string site, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "Enrollment refused ({Outcome}) for node '{NodeId}': {Reason}")]
    public static partial void EnrollRefused(ILogger logger, string outcome, string nodeId, string reason);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "Node {NodeId} renewed its certificate {OldSerial}: new {Serial} valid until {NotAfter}")]
    public static partial void Renewed(ILogger logger, string nodeId, string oldSerial, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Node {NodeId} revoked by {By}: {Count} certificate(s); its open streams end")]
    public static partial void Revoked(ILogger logger, string nodeId, string by, int count);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Warning, Message = "TLS handshake refused for client certificate {Subject} (serial {Serial}): {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string subject, string serial, string reason);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Warning, Message = "Node call refused for '{NodeId}' ({Code}): {Reason}")]
    public static partial void CallRefused(ILogger logger, string nodeId, StatusCode code, string reason);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Warning, Message = "Node {NodeId}'s certificate {Serial} was revoked on another hub of this store: refused here from now on; its open streams end")]
    public static partial void RevocationLearned(ILogger logger, string nodeId, string serial);

    [LoggerMessage(EventId = 8109, Level = LogLevel.Warning, Message = "Could not read the revoked certificates from the store; revocations made on other hubs reach this one once it can (next try in {Every}); check the store's connection")]
    public static partial void RevocationRefreshFailed(ILogger logger, TimeSpan every, Exception exception);
}
