using Microsoft.Extensions.Logging;

namespace Mesh.Node.Audit;

internal static partial class AuditJournalLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Audit journal commit of {Requests} append(s) to {Path} failed; nothing of it was acknowledged")]
    public static partial void CommitFailed(ILogger logger, Exception ex, int requests, string path);
}
