using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>
/// One agent per device. Thin: the decision core decides, <see cref="DeviceState"/> applies, the agent hands
/// the records to the audit journal and replies once they are durable (which releases the MQTT acknowledgement).
/// Durability: the audit journal is the write-ahead log of everything that changes a device's state — its
/// readings (Observation records, with the policy version they were decided under) and the settlements of
/// its approvals. Akka.Persistence keeps only periodic snapshots, each marked with the journal head when it
/// was taken. Recovery = the snapshot, then the device's journal records after that mark, decided again by
/// the pure core (<see cref="DeviceAgent.CatchUp"/>): the same inputs in the same order give the same state.
/// Anything applied but not yet durable when the node died was never acknowledged, so it comes again: the
/// device resends its reading, the hub resends its decision, an approval's deadline fires again.
/// Why no reading is decided twice: a redelivered reading's sequence is at or below the state's last one, so
/// it is recognised as seen and its records are re-submitted (the journal skips those it holds).
/// </summary>
public sealed partial class DeviceAgent : ReceivePersistentActor, IWithTimers
{
    private readonly string _site;
    private readonly string _device;
    private readonly AgentSettings _settings;
    private readonly AuditJournal _journal;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DeviceState _state = DeviceState.Empty;
    private long _snapshotMark;
    private int _sinceSnapshot;
    private DeviceCommands.Observe? _inferring;
    private readonly Queue<(DeviceCommands.Observe Command, IActorRef ReplyTo)> _waiting = new();

    public DeviceAgent(string site, string device, AgentSettings settings, AuditJournal journal)
    {
        _site = site;
        _device = device;
        _settings = settings;
        _journal = journal;
        PersistenceId = PersistenceIdFor(site, device);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DeviceSnapshot snapshot)
            {
                _state = snapshot.ToState();
                _snapshotMark = snapshot.JournalMark;
            }
        });
        Recover<RecoveryCompleted>(_ =>
        {
            if (_settings.Site is null)
            {
                CatchUp();
                OnRecovered();
            }
            else
            {
                BeginTakeOver();
            }
        });
        Ready();
    }

    /// <summary>The agent's behaviour once its state is known.</summary>
    private void Ready()
    {
        Command<DeviceCommands.Observe>(Handle);
        Command<Inferred>(Handle);
        Command<InferenceFailed>(Handle);
        Command<DeviceCommands.DecideApproval>(Handle);
        Command<ApprovalDue>(Handle);
        Command<DeviceCommands.Wake>(_ => { });
        Command<HandOff>(_ => BeginHandOff());
        Command<ReplicaWritten>(_ => OnReplicaWritten());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr, s.Metadata.Timestamp.AddTicks(-1))));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed; recovery will replay more events", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string PersistenceIdFor(string site, string device) => $"device/{site}/{device}";

    private sealed record Inferred(DeviceCommands.Observe Command, Policy.DevicePolicy Policy, InferenceResults Results, IActorRef ReplyTo);

    private sealed record InferenceFailed(DeviceCommands.Observe Command, Policy.DevicePolicy Policy, Exception Cause, IActorRef ReplyTo);

    public static Props Props(string site, string device, AgentSettings settings, AuditJournal journal) =>
        Akka.Actor.Props.Create(() => new DeviceAgent(site, device, settings, journal));

    private void Handle(DeviceCommands.Observe cmd) => Arrive(cmd, Sender);

    /// <summary>While a reading's models run, later readings wait in arrival order (a redelivery of the reading in
    /// flight included: it must see the state that reading leads to). Approvals go on meanwhile: their records and the
    /// reading's are ordered by the journal, which is the order recovery applies them in.</summary>
    private void Arrive(DeviceCommands.Observe cmd, IActorRef replyTo)
    {
        if (_inferring is not null)
            _waiting.Enqueue((cmd, replyTo));
        else
            Process(cmd, replyTo);
    }

    private void Process(DeviceCommands.Observe cmd, IActorRef replyTo)
    {
        var policy = _settings.Policies.Current.For(_device);
        if (policy.Models.Count > 0 && _settings.Inference is { } inference && !_state.HasSeen(cmd.Observation.Seq))
        {
            _inferring = cmd;
            inference.RunAsync(cmd.Observation, policy.Models, policy.Routing).PipeTo(Self,
                success: runs => new Inferred(cmd, policy, InferenceResults.From(runs), replyTo),
                failure: ex => new InferenceFailed(cmd, policy, ex, replyTo));
            return;
        }
        Decide(cmd, policy, InferenceResults.None, replyTo);
    }

    private void Handle(Inferred m)
    {
        if (!ReferenceEquals(m.Command, _inferring))
        {
            Stale(m.Command, m.ReplyTo);
            return;
        }
        _inferring = null;
        Decide(m.Command, m.Policy, m.Results, m.ReplyTo);
        ProcessWaiting();
    }

    private void Handle(InferenceFailed m)
    {
        if (!ReferenceEquals(m.Command, _inferring))
        {
            Stale(m.Command, m.ReplyTo);
            return;
        }
        _inferring = null;
        _log.Error(m.Cause, "Inference for {0} reading {1} failed; deciding without model results", _device, m.Command.Observation.Seq);
        Decide(m.Command, m.Policy, InferenceResults.None, m.ReplyTo);
        ProcessWaiting();
    }

    /// <summary>A result started by an earlier incarnation of this agent (it restarted meanwhile): its reading is
    /// decided afresh, in turn, as if it had just arrived — never beside the reading now in flight.</summary>
    private void Stale(DeviceCommands.Observe cmd, IActorRef replyTo) => Arrive(cmd, replyTo);

    private void ProcessWaiting()
    {
        while (_inferring is null && _waiting.TryDequeue(out var next))
            Process(next.Command, next.ReplyTo);
        StopIfHandedOff();
    }

    /// <summary>Readings still waiting when the agent stops or restarts were never recorded: their senders hear so
    /// at once (the MQTT message stays unacknowledged and the device sends it again).</summary>
    protected override void PostStop()
    {
        while (_waiting.TryDequeue(out var w))
            w.ReplyTo.Tell(new Status.Failure(new InvalidOperationException($"device agent {_device} stopped before deciding reading {w.Command.Observation.Seq}")));
        base.PostStop();
    }

    private void Decide(DeviceCommands.Observe cmd, Policy.DevicePolicy policy, InferenceResults inference, IActorRef replyTo)
    {
        var decision = DecisionCore.Decide(_state, cmd.Observation, policy, inference, cmd.InputDigest);
        if (decision.Event is not { } reading)
        {
            Resubmit(cmd.Observation.Seq, replyTo);
            return;
        }
        Accept(reading, replyTo);
    }

    private void Accept(DeviceEvents.ReadingProcessed reading, IActorRef replyTo)
    {
        _state = _state.Apply(reading, _settings.RedeliveryWindow);
        Record(reading, replyTo, redelivered: false);
        foreach (var f in reading.Fired)
            if (f.Approval is { } approval)
                OnApprovalRequested(approval);
        CountTowardsSnapshot();
    }

    /// <summary>Every record at or below the journal's committed head was written after its change was applied
    /// here, so a snapshot of the state now reflects them all; recovery reads only what follows the mark.</summary>
    private void CountTowardsSnapshot()
    {
        if (++_sinceSnapshot >= _settings.SnapshotEvery)
        {
            _sinceSnapshot = 0;
            SaveSnapshot(DeviceSnapshot.From(_state, _journal.Head));
        }
    }

    /// <summary>A redelivered reading: no new decision. Its records are re-submitted in case the node died
    /// before the journal had them.</summary>
    private void Resubmit(long seq, IActorRef replyTo)
    {
        if (_state.FindRecent(seq) is { } prior)
            Record(prior, replyTo, redelivered: true);
        else
            Replicated(Task.FromResult(new AppendResult(_journal.Head, 0, 0)))
                .PipeTo(replyTo, success: r => new DeviceReplies.Recorded(DecisionOutcome.Duplicate, [], r.Head));
    }

    /// <summary>Appends the reading's records, skipping any the journal already holds, and replies once they
    /// are durable. A reading whose records were all there already is a duplicate; commands go out only
    /// with newly written records, so a command is sent once per Action record.</summary>
    private void Record(DeviceEvents.ReadingProcessed reading, IActorRef replyTo, bool redelivered)
    {
        var drafts = AuditDrafts.ForReading(_device, reading, _settings.Profile, _settings.Policies.Current.AttributesOf(_device));
        var written = Replicated(_journal.AppendAsync(drafts, skipExisting: true));
        if (!redelivered && reading.Fired.Count > 0 && _settings.Shared is { } shared)
            Share(written, shared, reading);
        written.PipeTo(replyTo, success: r => new DeviceReplies.Recorded(
            redelivered || (r.Appended == 0 && r.Skipped > 0) ? DecisionOutcome.Duplicate : DecisionOutcome.Accepted,
            r.Appended > 0 ? reading.Fired : [],
            r.Head));
    }
}
