using Mesh.Node.Audit;
using Mesh.Node.Sync;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Hosting;

/// <summary>
/// Opens the node's journal at start. A damaged one is rebuilt (<see cref="JournalRecovery"/>) when
/// <c>Node:Journal:OnDamage</c> is <see cref="JournalDamage.Rebuild"/>, reading back from the hub over the node's own
/// channel, and the rebuilt journal's first new record says so (<see cref="Mesh.Protocol.Audit.AuditKind.JournalRecovered"/>).
/// </summary>
internal static class JournalOpener
{
    public static AuditJournal Open(IServiceProvider services, NodeOptions o)
    {
        Directory.CreateDirectory(o.DataDirectory);
        var path = Path.Combine(o.DataDirectory, AuditJournalStore.FileName);
        var logger = services.GetRequiredService<ILogger<AuditJournal>>();
        AuditJournal Create() => new(path, o.NodeId, o.Site, services.GetRequiredService<HybridLogicalClock>(), o.Journal, logger,
            o.Journal.SignCheckpoints ? services.GetRequiredService<Identity.NodeKey>() : null);
        if (JournalRecovery.CompleteInterrupted(path))
            AuditJournalLog.JournalRebuildCompleted(logger, path);
        try
        {
            return Create();
        }
        catch (JournalDamagedException damaged) when (o.Journal.OnDamage == JournalDamage.Rebuild)
        {
            AuditJournalLog.JournalDamaged(logger, path, damaged.Reason);
            var hub = services.GetRequiredService<HubChannel>();
            if (!hub.Configured && o.Sync.NatsUrl.Length > 0)
                throw new JournalRecoveryException($"audit journal {path} is damaged ({damaged.Reason}); a node rebuilds it by reading its records back "
                    + "from the hub over gRPC, and this node syncs over NATS only: set Node:Sync:HubUrl as well, or move the file aside (docs/RELIABILITY.md)", damaged);
            var readBack = hub.Configured ? JournalRecovery.ReadBackFrom(new AuditSync.AuditSyncClient(hub.Channel), o.NodeId, o.Site) : null;
            var said = DateTime.UtcNow;
            void Progress(long read, long hubHead)
            {
                if (DateTime.UtcNow - said < TimeSpan.FromSeconds(5))
                    return;
                said = DateTime.UtcNow;
                AuditJournalLog.JournalReadingBack(logger, path, read, hubHead);
            }
            var rebuild = JournalRecovery.RebuildAsync(path, o.NodeId, damaged.Reason, readBack, CancellationToken.None, Progress).GetAwaiter().GetResult();
            AuditJournalLog.JournalRebuilt(logger, path, rebuild.Head, rebuild.Salvaged, rebuild.StoppedAt, rebuild.FromHub, rebuild.HubHead, rebuild.DamagedCopy);
            var journal = Create();
            journal.AppendAsync([rebuild.Draft()]).GetAwaiter().GetResult();
            return journal;
        }
    }
}
