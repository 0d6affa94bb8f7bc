using Mesh.Node.Audit;
using Mesh.Node.Ingest;
using Mesh.Protocol;
using Mesh.Protocol.Crdt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.SiteState;

/// <summary>
/// Watches the commands registers the site state merges in. When a register holds contradictory concurrent commands
/// and this node sent one of them, it applies the one rule (<see cref="CommandConflicts"/>): it records
/// <see cref="Protocol.Audit.AuditKind.ConflictResolved"/> once (keyed by the conflict id, the same on every node); a node
/// whose command lost then sends the winner's command to the device (its own was withdrawn, and may already have gone
/// out) and writes it into the register, which collapses the register to the winner on every replica. That write
/// carries the values it settles, so a replica the settlement reaches before the contradictory values (often the
/// winner's own node) finds the same conflict in the settled register and records it too.
/// </summary>
public sealed partial class ConflictWatcher : Microsoft.Extensions.Hosting.IHostedService
{
    private readonly SiteStateStore _store;
    private readonly AuditJournal _journal;
    private readonly CommandSender _commands;
    private readonly NodeStats _stats;
    private readonly ILogger<ConflictWatcher> _logger;
    private readonly SiteId _site;

    public ConflictWatcher(SiteStateStore store, AuditJournal journal, CommandSender commands, NodeStats stats, IOptions<NodeOptions> options, ILogger<ConflictWatcher> logger)
    {
        _store = store;
        _journal = journal;
        _commands = commands;
        _stats = stats;
        _logger = logger;
        _site = new SiteId(options.Value.Site);
        store.Merged += Check;
        store.Written += OnWritten;
    }

    /// <summary>Nothing to start: the watcher listens from construction (the host creates it at start).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _store.Merged -= Check;
        _store.Written -= OnWritten;
        return Task.CompletedTask;
    }

    /// <summary>A command this node wrote may stand beside another node's different answer to the same reading (see
    /// <see cref="CommandConflicts.Contradicts"/>): that conflict is found here, not only when the other's write arrives.</summary>
    private void OnWritten(SiteEntry entry) => Check([entry]);

    /// <summary>Looks for a conflict this node took part in among entries that changed (merged in or written here).</summary>
    private void Check(IReadOnlyList<SiteEntry> changed)
    {
        foreach (var entry in changed)
        {
            if (entry is not CommandsEntry commands)
                continue;
            var device = SiteKeys.DeviceOf(commands.Key);
            var values = commands.Commands.Values;
            // Contradictory values in the register; or one value that settled them, which is all a replica sees when
            // the settlement reached it before the values did (the register is then settled already).
            var open = CommandConflicts.Resolve(device, values);
            if ((open ?? CommandConflicts.Settled(device, values)) is not { } conflict)
                continue;
            var won = conflict.Winner.NodeId == _store.NodeId;
            if (won || conflict.Losers.Any(l => l.Command.NodeId == _store.NodeId))
                _ = ResolveAsync(conflict, won, open is null ? null : CommandConflicts.ToSettle(values));
        }
    }

    /// <param name="settle">The register's values when it still holds them: a losing node settles the register with
    /// the winner's command, which carries them. Null when the register is settled already.</param>
    private async Task ResolveAsync(CommandConflict conflict, bool won, IReadOnlyList<SettledCommand>? settle)
    {
        try
        {
            var compensation = won ? "none: this node's command stands" : $"sent '{conflict.Winner.Action}' again to {conflict.Device}";
            var result = await _journal.AppendAsync([ConflictRecord.Draft(conflict, _store.NodeId, won, compensation)], skipExisting: true).ConfigureAwait(false);
            if (result.Appended == 0)
                return;
            _stats.CountConflict();
            ConflictLog.Resolved(_logger, conflict.Device, conflict.Winner.Action, conflict.Winner.NodeId, won ? ConflictRecord.Won : ConflictRecord.Withdrawn, conflict.Reason);
            if (won)
                return;
            var w = conflict.Winner;
            if (settle is not null)
                _store.RecordCommand(conflict.Device, w.Action, w.Rule, w.Priority, w.ReadingSeq, settle);
            await _commands.SendAsync(_site, new DeviceId(conflict.Device),
                AuditDrafts.CommandBody(w.Action, w.Rule, $"conflict {conflict.Id}: {conflict.Reason}", w.ReadingSeq, null), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ConflictLog.Failed(_logger, ex, conflict.Device, conflict.Id);
        }
    }

    private static partial class ConflictLog
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Conflict over {Device}: '{Action}' of {Winner} wins; this node's command is {Result} ({Reason})")]
        public static partial void Resolved(ILogger logger, string device, string action, string winner, string result, string reason);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "Resolving conflict {ConflictId} over {Device} failed; it is resolved when the register next changes")]
        public static partial void Failed(ILogger logger, Exception exception, string device, string conflictId);
    }
}
