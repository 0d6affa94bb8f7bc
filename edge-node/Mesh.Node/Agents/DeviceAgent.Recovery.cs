using Akka.Event;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Replay;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Agents;

/// <summary>Recovery from the journal: the device's readings and approval settlements after the snapshot's
/// mark, applied in journal order, readings decided again by the pure core under the policy they recorded. When the
/// journal was pruned past the mark, from the device's state recorded at the pruned boundary, and the records after it.
/// Applying is idempotent (a reading already reflected is a duplicate; a settlement of an approval that is
/// not pending changes nothing), so records just below or above the mark are safe either way.</summary>
public sealed partial class DeviceAgent
{
    private void CatchUp()
    {
        var recovery = _settings.Lookup.RecoveryFrom(_device, _snapshotMark);
        // The journal was pruned past the snapshot: the records in between are gone, their effect is in the boundary state.
        if (recovery.Mark > _snapshotMark)
            _state = recovery.Start ?? _state;
        var observations = recovery.Observations;
        var settlements = new Dictionary<string, AuditRecord?>(StringComparer.Ordinal);
        var policies = new Dictionary<string, ActivePolicy?>(StringComparer.Ordinal);
        foreach (var record in observations)
        {
            ApplySettlementsBefore(record.Sequence, settlements);
            if (!policies.TryGetValue(record.PolicyVersion, out var policy))
            {
                policies[record.PolicyVersion] = policy = _settings.Policies.Resolve(record.PolicyVersion);
                if (policy is null)
                    _log.Error("Cannot rebuild {0} from journal record {1} on: policy {2} is not in the journal", PersistenceId, record.Sequence, record.PolicyVersion);
            }
            if (policy is null)
                continue;
            var observation = ObservationRecord.Read(record, out _, out var inference);
            var decided = DecisionCore.Decide(_state, observation, policy.For(_device), inference, Convert.ToHexStringLower(record.InputDigest.Span));
            if (decided.Event is { } evt)
                _state = _state.Apply(evt, _settings.RedeliveryWindow);
        }
        ApplySettlementsBefore(long.MaxValue, settlements);
        // Re-deciding counts towards the next snapshot: a device that never reaches SnapshotEvery readings in one run
        // would otherwise be rebuilt from ever more of its history on every start.
        _sinceSnapshot = observations.Count - 1;
        CountTowardsSnapshot();
    }

    /// <summary>Applies, in journal order, the recorded settlements of pending approvals that precede <paramref name="limit"/>.</summary>
    private void ApplySettlementsBefore(long limit, Dictionary<string, AuditRecord?> cache)
    {
        while (true)
        {
            AuditRecord? next = null;
            foreach (var id in _state.Pending.Keys)
            {
                if (!cache.TryGetValue(id, out var settlement))
                    cache[id] = settlement = _settings.Lookup.Settlement(id);
                if (settlement is not null && settlement.Sequence < limit && (next is null || settlement.Sequence < next.Sequence))
                    next = settlement;
            }
            if (next is null)
                return;
            _state = _state.Apply(ApprovalSettlement.FromRecord(next, _state.Pending[next.MessageKey]), _settings.RedeliveryWindow);
        }
    }
}
