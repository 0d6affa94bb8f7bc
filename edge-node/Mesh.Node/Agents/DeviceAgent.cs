using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>
/// One event-sourced agent per device. Thin: the decision core decides, <see cref="DeviceState"/> applies,
/// the agent persists and hands the records to the audit journal.
/// Durability: the audit journal is the write-ahead log of readings; the agent persists (Akka.Persistence)
/// only readings that change decision state (a rule switching), plus periodic snapshots. The reply that
/// releases the MQTT acknowledgement is sent only after the reading's records are durable.
/// Why no reading is decided twice: a reading that fired a rule is persisted before its records are
/// appended, so after a crash its redelivery is recognised as seen and its records are re-submitted from
/// the event. A reading that fired nothing may be forgotten by a crash; its redelivery is decided again on
/// the recovered state, which is the state it was first decided on (only persisted readings change it),
/// so it again fires nothing, and the journal skips the records it already holds.
/// </summary>
public sealed class DeviceAgent : ReceivePersistentActor
{
    private readonly string _site;
    private readonly string _device;
    private readonly AgentSettings _settings;
    private readonly AuditJournal _journal;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DeviceState _state = DeviceState.Empty;
    private int _sinceSnapshot;

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
                _state = snapshot.ToState();
        });
        Recover<IDeviceEvent>(evt => _state = _state.Apply(evt, _settings.RedeliveryWindow));

        Command<DeviceCommands.Observe>(Handle);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr, s.Metadata.Timestamp.AddTicks(-1))));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed; recovery will replay more events", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    public static string PersistenceIdFor(string site, string device) => $"device/{site}/{device}";

    public static Props Props(string site, string device, AgentSettings settings, AuditJournal journal) =>
        Akka.Actor.Props.Create(() => new DeviceAgent(site, device, settings, journal));

    private void Handle(DeviceCommands.Observe cmd)
    {
        var decision = DecisionCore.Decide(_state, cmd.Observation, _settings.Rules.Rules, cmd.InputDigest);
        var replyTo = Sender;
        if (decision.Event is not { } reading)
        {
            Resubmit(cmd.Observation.Seq, replyTo);
            return;
        }
        if (reading.Fired.Count == 0)
        {
            Accept(reading, replyTo);
            return;
        }
        Persist(reading, evt => Accept(evt, replyTo));
    }

    private void Accept(DeviceEvents.ReadingProcessed reading, IActorRef replyTo)
    {
        _state = _state.Apply(reading, _settings.RedeliveryWindow);
        Record(reading, replyTo, redelivered: false);
        if (++_sinceSnapshot >= _settings.SnapshotEvery)
        {
            _sinceSnapshot = 0;
            SaveSnapshot(DeviceSnapshot.From(_state));
        }
    }

    /// <summary>A redelivered reading: no new decision. Its records are re-submitted in case the node died
    /// before the journal had them.</summary>
    private void Resubmit(long seq, IActorRef replyTo)
    {
        if (_state.FindRecent(seq) is { } prior)
            Record(prior, replyTo, redelivered: true);
        else
            replyTo.Tell(new DeviceReplies.Recorded(DecisionOutcome.Duplicate, [], _journal.Head));
    }

    /// <summary>Appends the reading's records, skipping any the journal already holds, and replies once they
    /// are durable. A reading whose records were all there already is a duplicate; commands go out only
    /// with newly written records, so a command is sent once per Action record.</summary>
    private void Record(DeviceEvents.ReadingProcessed reading, IActorRef replyTo, bool redelivered)
    {
        var drafts = AuditDrafts.ForReading(_device, reading, _settings.Rules, _settings.Profile);
        _journal.AppendAsync(drafts, skipExisting: true).PipeTo(replyTo, success: r => new DeviceReplies.Recorded(
            redelivered || (r.Appended == 0 && r.Skipped > 0) ? DecisionOutcome.Duplicate : DecisionOutcome.Accepted,
            r.Appended > 0 ? reading.Fired : [],
            r.Head));
    }
}
