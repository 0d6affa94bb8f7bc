using Microsoft.Extensions.Logging;

namespace Mesh.Node.Sync;

/// <summary>Log messages of audit sync over NATS (event ids 3101-3199 of the node's sync range).</summary>
internal static partial class NatsSyncLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Audit sync over NATS {Url}: stream {Stream}, subject {Subject}; publishing after record {Start}, journal head {Head}")]
    public static partial void Connected(ILogger logger, string url, string stream, string subject, long start, long head);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Audit sync over NATS {Url} failed ({Reason}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, string url, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Audit sync over NATS {Url} interrupted after record {Acked} ({Reason}); resuming from there")]
    public static partial void Interrupted(ILogger logger, string url, long acked, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Created JetStream stream {Stream} for {Subjects}: file storage, records kept {MaxAge}")]
    public static partial void StreamCreated(ILogger logger, string stream, string subjects, TimeSpan maxAge);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "JetStream stream {Stream} did not take this node's subject; added {Subjects}")]
    public static partial void StreamSubjectAdded(ILogger logger, string stream, string subjects);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "JetStream stream {Stream} ends at sequence {StreamLast}, before {CursorSeq} where this node's records were acknowledged: it was recreated; publishing again after record {From}")]
    public static partial void StreamRecreated(ILogger logger, string stream, ulong streamLast, ulong cursorSeq, long from);
}
