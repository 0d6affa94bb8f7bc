using Microsoft.Extensions.Logging;

namespace Mesh.Node.Audit;

internal static partial class AuditJournalLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Audit journal commit of {Requests} append(s) to {Path} failed; nothing of it was acknowledged")]
    public static partial void CommitFailed(ILogger logger, Exception ex, int requests, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Audit backlog full: the journal uses {UsedBytes} of its {BudgetBytes} byte budget with {Unacknowledged} record(s) the hub has not acknowledged (hub has up to {HubAcked}); readings are no longer acknowledged, devices keep and resend them")]
    public static partial void BacklogFull(ILogger logger, long usedBytes, long budgetBytes, long unacknowledged, long hubAcked);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Audit backlog resumed: the journal uses {UsedBytes} of its {BudgetBytes} byte budget; readings are acknowledged again after {Held}")]
    public static partial void BacklogResumed(ILogger logger, long usedBytes, long budgetBytes, TimeSpan held);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Audit journal pruned {Deleted} record(s) of sequences {From}..{Through}, which the hub acknowledged; it uses {UsedBytes} of its {BudgetBytes} byte budget")]
    public static partial void Pruned(ILogger logger, long deleted, long from, long through, long usedBytes, long budgetBytes);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Audit journal {Path}: keeping the disk budget failed; the journal is unchanged by the failed step")]
    public static partial void HousekeepingFailed(ILogger logger, Exception ex, string path);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Audit journal {Path} is damaged ({Reason}); rebuilding it from what still reads and from the hub")]
    public static partial void JournalDamaged(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Audit journal {Path} rebuilt up to sequence {Head}: {Salvaged} record(s) salvaged (stopped at {StoppedAt}), {FromHub} read back from the hub (its head {HubHead}); the damaged file is kept as {DamagedCopy}")]
    public static partial void JournalRebuilt(ILogger logger, string path, long head, long salvaged, string stoppedAt, long fromHub, long hubHead, string damagedCopy);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Audit journal {Path}: a rebuild stopped after setting the damaged file aside; its complete rebuilt journal takes the file's place now")]
    public static partial void JournalRebuildCompleted(ILogger logger, string path);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Audit journal {Path}: rebuilding, {Read} record(s) read back from the hub so far (its head {HubHead})")]
    public static partial void JournalReadingBack(ILogger logger, string path, long read, long hubHead);

    [LoggerMessage(EventId = 7700, Level = LogLevel.Error, Message = "Audit journal {Path}: signing a checkpoint over sequence {Sequence} failed; the next trigger tries again")]
    public static partial void CheckpointFailed(ILogger logger, Exception ex, long sequence, string path);
}
