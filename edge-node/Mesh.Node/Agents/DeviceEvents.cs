using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>Marker for the changes a device agent applies to its state.</summary>
public interface IDeviceEvent;

/// <summary>Changes of a device's state (past tense). They are not persisted as such: the audit journal records
/// their inputs, and recovery derives them again (see <see cref="DeviceAgent"/>).</summary>
public static class DeviceEvents
{
    /// <summary>One reading was accepted and decided under <paramref name="PolicyRef"/>. Holds everything needed
    /// to rebuild its audit records and the state it leads to.</summary>
    public sealed record ReadingProcessed(
        long Seq,
        DateTimeOffset Timestamp,
        IReadOnlyList<Metric> Metrics,
        string InputDigest,
        string PolicyRef,
        IReadOnlyList<RuleFired> Fired,
        IReadOnlyList<WindowHit> Hits,
        long IssuedPruneBeforeMs,
        IReadOnlyList<ModelRun>? Inference = null) : IDeviceEvent
    {
        /// <summary>The models run for the reading (none when its rules read no model).</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public IReadOnlyList<ModelRun> Runs => Inference ?? [];

        public bool Equals(ReadingProcessed? other) =>
            other is not null && Seq == other.Seq && Timestamp == other.Timestamp && InputDigest == other.InputDigest
            && PolicyRef == other.PolicyRef && IssuedPruneBeforeMs == other.IssuedPruneBeforeMs
            && Metrics.SequenceEqual(other.Metrics) && Fired.SequenceEqual(other.Fired) && Hits.SequenceEqual(other.Hits)
            && Runs.SequenceEqual(other.Runs);

        public override int GetHashCode() => HashCode.Combine(Seq, InputDigest);
    }

    /// <summary>A pending approval was settled (see <see cref="Policy.ApprovalSettlement"/> for the outcomes);
    /// <paramref name="Executed"/> says whether the action's command goes out. Carries what its audit records need.</summary>
    public sealed record ApprovalSettled(string ApprovalId, string Rule, string Action, long Seq, string Outcome, string By, string Comment, long DecidedAtMs, bool Executed) : IDeviceEvent;
}
