using Akka.Actor;
using Akka.Event;
using Mesh.Node.Audit;
using Mesh.Node.Cluster;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.Agents;

/// <summary>
/// A device agent on a member of a multi-node site. Its state is replicated to a majority of the members after
/// every change is durable in this member's journal and before anything that depends on it happens (the reading's
/// acknowledgement, an approved command going out). So whichever member runs the agent next starts from a state
/// that includes everything acknowledged: recovery reads the replica from a majority, adopts it, and records
/// <see cref="Protocol.Audit.AuditKind.DeviceTakenOver"/> when another member wrote it. A change whose replica
/// never reached a majority was never acknowledged: the device sends the reading again and the owner decides it.
/// </summary>
public sealed partial class DeviceAgent
{
    /// <summary>Cluster Sharding's stop message when the device's shard moves to another member: the agent stops
    /// once its replica writes in flight are done, so the next owner reads everything this one acknowledged.</summary>
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();

        private HandOff() { }
    }

    private sealed record ReplicaRead(LwwRegister<byte[]>? Replica);

    private sealed record ReplicaReadFailed(Exception Cause);

    private sealed class RetryReplicaRead
    {
        public static readonly RetryReplicaRead Instance = new();
    }

    private sealed class ReplicaWritten
    {
        public static readonly ReplicaWritten Instance = new();
    }

    private static readonly TimeSpan ReplicaRetry = TimeSpan.FromSeconds(1);
    private int _replicating;
    private bool _handingOff;

    private void BeginTakeOver()
    {
        Become(TakingOver);
        ReadReplica();
    }

    /// <summary>Until the replica is read, everything but its answer waits in the stash.</summary>
    private void TakingOver()
    {
        Command<ReplicaRead>(Adopt);
        Command<ReplicaReadFailed>(f =>
        {
            _log.Warning("Reading the replica of {0} failed ({1}); trying again in {2}", _device, f.Cause.Message, ReplicaRetry);
            Timers.StartSingleTimer(nameof(RetryReplicaRead), RetryReplicaRead.Instance, ReplicaRetry);
        });
        Command<RetryReplicaRead>(_ => ReadReplica());
        CommandAny(_ => Stash.Stash());
    }

    private void ReadReplica() =>
        _settings.Site!.Replicas.ReadAsync(_device).PipeTo(Self, success: r => new ReplicaRead(r), failure: ex => new ReplicaReadFailed(ex));

    private void Adopt(ReplicaRead read)
    {
        var site = _settings.Site!;
        if (read.Replica is { } replica)
        {
            // Our later writes must order after the replica's even if this box's clock is behind its writer's.
            site.Clock.Observe(replica.Stamp);
            _state = ReplicaState.Decode(replica.Value);
            if (replica.Stamp.NodeId != site.Clock.NodeId)
            {
                _journal.AppendAsync([TakeoverRecord.Draft(_device, replica, _state)], skipExisting: true);
                _settings.Stats.CountTakeover();
                _log.Info("Took over {0} from {1} at reading {2}", _device, replica.Stamp.NodeId, _state.LastSeq);
            }
        }
        else
        {
            // Never replicated: the device is new to the site, or the site was just formed from standalone nodes.
            CatchUp();
        }
        OnRecovered();
        Become(Ready);
        Stash.UnstashAll();
    }

    /// <summary>Completes when <paramref name="append"/> is durable and, on a site member, the state now is on a
    /// majority of the members. Standalone: <paramref name="append"/> itself.</summary>
    private Task<AppendResult> Replicated(Task<AppendResult> append)
    {
        if (_settings.Site is not { } site)
            return append;
        // Stamped now, in the agent: successive writes of this agent carry increasing stamps, whatever order they land in.
        var value = new LwwRegister<byte[]>(ReplicaState.Encode(_state), site.Clock.Now());
        _replicating++;
        var written = WriteAfter(append, site.Replicas, _device, value);
        written.ContinueWith(_ => ReplicaWritten.Instance, TaskScheduler.Default).PipeTo(Self);
        return written;
    }

    private static async Task<AppendResult> WriteAfter(Task<AppendResult> append, IDeviceReplicas replicas, string device, LwwRegister<byte[]> value)
    {
        var result = await append.ConfigureAwait(false);
        await replicas.WriteAsync(device, value).ConfigureAwait(false);
        return result;
    }

    private void OnReplicaWritten()
    {
        _replicating--;
        StopIfHandedOff();
    }

    private void BeginHandOff()
    {
        _handingOff = true;
        StopIfHandedOff();
    }

    private void StopIfHandedOff()
    {
        if (_handingOff && _replicating == 0 && _inferring is null && _waiting.Count == 0)
            Context.Stop(Self);
    }

    /// <summary>Once the reading's records are durable (and replicated), the commands it sends and the alarms it opens or
    /// closes go into the site's shared state.</summary>
    private void Share(Task<AppendResult> written, SiteState.SiteStateStore shared, DeviceEvents.ReadingProcessed reading)
    {
        var device = _device;
        written.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully || t.Result.Appended == 0)
                return;
            foreach (var f in reading.Fired)
            {
                if (f.Sends)
                    shared.RecordCommand(device, f.Action, f.Rule, f.Priority, reading.Seq);
                shared.SetAlarm(device, f.Rule, f.Active);
            }
        }, TaskScheduler.Default);
    }
}
