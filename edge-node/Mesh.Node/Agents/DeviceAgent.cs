using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>
/// One event-sourced agent per device. Thin: the decision core decides, <see cref="DeviceState"/> applies,
/// the agent persists and hands the records to the audit journal.
/// Ordering: the device event is persisted before its audit records are appended, and the reply (which
/// releases the MQTT acknowledgement) is sent only after both are durable. If the node dies between the
/// two, the redelivered reading is recognised as seen and its records are re-submitted from the event;
/// the journal skips those it already has, so each reading is decided once and recorded once.
/// </summary>
public sealed class DeviceAgent : ReceivePersistentActor
{
    private readonly string _site;
    private readonly string _device;
    private readonly AgentSettings _settings;
    private readonly AuditJournal _journal;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DeviceState _state = DeviceState.Empty;

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
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
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
        if (decision.Event is null)
        {
            Resubmit(cmd.Observation.Seq, replyTo);
            return;
        }

        Persist(decision.Event, evt =>
        {
            _state = _state.Apply(evt, _settings.RedeliveryWindow);
            var drafts = AuditDrafts.ForReading(_device, evt, _settings.Rules, _settings.Profile);
            _journal.AppendAsync(drafts).PipeTo(replyTo,
                success: r => new DeviceReplies.Recorded(DecisionOutcome.Accepted, evt.Fired, r.Head));
            if (LastSequenceNr % _settings.SnapshotEvery == 0)
                SaveSnapshot(DeviceSnapshot.From(_state));
        });
    }

    /// <summary>A redelivered reading: no new decision. Its records are re-submitted in case the node died
    /// before the journal had them; commands are re-sent only if their records were missing.</summary>
    private void Resubmit(long seq, IActorRef replyTo)
    {
        var prior = _state.FindRecent(seq);
        if (prior is null)
        {
            replyTo.Tell(new DeviceReplies.Recorded(DecisionOutcome.Duplicate, [], _journal.Head));
            return;
        }
        var drafts = AuditDrafts.ForReading(_device, prior, _settings.Rules, _settings.Profile);
        _journal.AppendAsync(drafts, skipExisting: true).PipeTo(replyTo,
            success: r => new DeviceReplies.Recorded(DecisionOutcome.Duplicate, r.Appended > 0 ? prior.Fired : [], r.Head));
    }
}
