using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Replay;

/// <summary>
/// Re-runs the decision core over a node's journal, record by record in sequence order, and compares what
/// it decides with what was recorded. Each reading is decided under the policy its Observation record names
/// (every policy's text is in the journal's PolicyActivated records) — or, for a what-if run, under one
/// override policy for all. Approval settlements are external inputs and are taken as recorded. State
/// evolves by the replayed decisions, as it would have live. Pure computation: no clock, no I/O.
/// </summary>
public sealed class ReplayEngine
{
    private readonly Dictionary<string, ActivePolicy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceState> _states = new(StringComparer.Ordinal);

    /// <summary>Device attributes as the readings recorded them; every policy here groups devices by this map,
    /// filled before a device's first decision.</summary>
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _attributes = new(StringComparer.Ordinal);
    private readonly List<ReplayDivergence> _divergences = [];
    private readonly List<string> _problems = [];
    private readonly ActivePolicy? _override;
    private readonly int _window;
    private Pending? _open;
    private long _records;
    private long _readings;
    private long _decisions;

    /// <param name="overridePolicy">Decide every reading under this policy instead of the recorded ones (a dry run of a change).</param>
    /// <param name="redeliveryWindow">As the node's <c>Node:Journal:RedeliveryWindow</c>; it only bounds memory here.</param>
    /// <param name="startStates">Device states to start from instead of empty ones: a pruned journal's states as of its
    /// boundary, when the replay starts there.</param>
    public ReplayEngine(ActivePolicy? overridePolicy = null, int redeliveryWindow = 1, IReadOnlyDictionary<string, DeviceState>? startStates = null)
    {
        _override = overridePolicy is null ? null : new ActivePolicy(overridePolicy.Policy, overridePolicy.Source, _attributes);
        _window = redeliveryWindow;
        if (startStates is not null)
            foreach (var (device, state) in startStates)
                _states[device] = state;
    }

    /// <summary>Every device's state after the records fed so far.</summary>
    public IReadOnlyDictionary<string, DeviceState> States => _states;

    /// <summary>Learns a policy from a <see cref="AuditKind.PolicyActivated"/> record without counting it as replayed
    /// (a pruned journal keeps its policies below the boundary).</summary>
    public void Learn(AuditRecord policyActivated)
    {
        if (policyActivated.Kind == AuditKind.PolicyActivated && PolicyDrafts.TryRestore(policyActivated, _attributes, out var active, out _))
            _policies[active.Ref] = active;
    }

    /// <summary>A reading replayed and the decisions recorded for it so far (they follow its Observation record).</summary>
    private sealed record Pending(long Sequence, string Device, long ReadingSeq, string KeyPrefix, IReadOnlyList<RuleFired> Got, List<string> Recorded);

    public void Feed(AuditRecord record)
    {
        _records++;
        // A signed checkpoint or a rebuilt journal says nothing about devices; it must not close a reading whose decisions follow.
        if (record.Kind is AuditKind.Checkpoint or AuditKind.JournalRecovered)
            return;
        if (_open is { } open && record.Kind is AuditKind.Decision && record.MessageKey.StartsWith(open.KeyPrefix, StringComparison.Ordinal))
        {
            open.Recorded.Add(Describe(record.Rule, record.Decision, record.Outcome));
            return;
        }
        // A reading's records are appended together, so its Action and ApprovalRequested records follow it directly.
        if (record.Kind is AuditKind.Action or AuditKind.ApprovalRequested && _open is { } o && record.Device == o.Device)
            return;
        Close();
        switch (record.Kind)
        {
            case AuditKind.PolicyActivated:
                if (PolicyDrafts.TryRestore(record, _attributes, out var active, out var problem))
                    _policies[active.Ref] = active;
                else
                    _problems.Add($"record {record.Sequence}: policy cannot be read back: {problem}");
                break;
            case AuditKind.Observation:
                Decide(record);
                break;
            case AuditKind.ApprovalResolved:
                Settle(record);
                break;
            case AuditKind.DeviceTakenOver:
                // The device came from another member of the site: its state continues from the replica adopted.
                _states[record.Device] = TakeoverRecord.Read(record);
                break;
        }
    }

    public ReplayReport Finish()
    {
        Close();
        return new ReplayReport(_records, _readings, _decisions, _policies.Count, _divergences, _problems);
    }

    private void Decide(AuditRecord record)
    {
        var policy = _override ?? (_policies.TryGetValue(record.PolicyVersion, out var p) ? p : null);
        if (policy is null)
        {
            _problems.Add($"record {record.Sequence}: policy {record.PolicyVersion} was never activated in this journal");
            return;
        }
        var observation = ObservationRecord.Read(record, out var attributes, out var inference);
        if (attributes is not null)
            _attributes.TryAdd(record.Device, attributes);
        var state = _states.GetValueOrDefault(record.Device, DeviceState.Empty);
        var decision = DecisionCore.Decide(state, observation, policy.For(record.Device), inference, Convert.ToHexStringLower(record.InputDigest.Span));
        _readings++;
        if (decision.Event is not { } evt)
        {
            _problems.Add($"record {record.Sequence}: reading {record.MessageKey} was recorded twice");
            return;
        }
        _states[record.Device] = state.Apply(evt, _window);
        _decisions += evt.Fired.Count;
        _open = new Pending(record.Sequence, record.Device, observation.Seq, record.MessageKey + "/", evt.Fired, []);
    }

    private void Settle(AuditRecord record)
    {
        if (!_states.TryGetValue(record.Device, out var state) || !state.Pending.TryGetValue(record.MessageKey, out var pending))
            return;
        _states[record.Device] = state.Apply(ApprovalSettlement.FromRecord(record, pending), _window);
    }

    private void Close()
    {
        if (_open is not { } open)
            return;
        _open = null;
        if (open.Got.Count == 0 && open.Recorded.Count == 0)
            return;
        var got = open.Got.Select(f => Describe(f.Rule, f.Action, AuditDrafts.GateName(f.Gate))).Order(StringComparer.Ordinal).ToList();
        var expected = open.Recorded.Order(StringComparer.Ordinal).ToList();
        if (!got.SequenceEqual(expected))
            _divergences.Add(new ReplayDivergence(open.Sequence, open.Device, open.ReadingSeq, Join(expected), Join(got)));
    }

    private static string Describe(string rule, string action, string outcome) => $"{rule}:{(action.Length == 0 ? "-" : action)}:{outcome}";

    private static string Join(List<string> items) => items.Count == 0 ? "nothing" : string.Join(", ", items);
}
