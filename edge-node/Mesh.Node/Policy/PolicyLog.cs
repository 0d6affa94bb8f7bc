using Microsoft.Extensions.Logging;

namespace Mesh.Node.Policy;

internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Policy {Ref} of site {Site} active (from {Source})")]
    public static partial void Activated(ILogger logger, string @ref, string site, string source);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Policy update from {Source} refused; {Ref} stays active: {Reason}")]
    public static partial void Rejected(ILogger logger, string source, string @ref, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Policy {Candidate} from {Source} ignored: {Ref} is active and not older")]
    public static partial void Ignored(ILogger logger, string candidate, string source, string @ref);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Could not read policy file {Path}; the active policy stays")]
    public static partial void FileUnreadable(ILogger logger, Exception ex, string path);
}
