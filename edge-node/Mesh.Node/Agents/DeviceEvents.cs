using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>Marker for events a device agent persists.</summary>
public interface IDeviceEvent;

/// <summary>Events of a device agent (past tense). Serialized by <see cref="DeviceEventSerializer"/>.</summary>
public static class DeviceEvents
{
    /// <summary>One reading was accepted and decided. Holds everything needed to rebuild its audit records.</summary>
    public sealed record ReadingProcessed(
        long Seq,
        DateTimeOffset Timestamp,
        IReadOnlyList<Metric> Metrics,
        string InputDigest,
        IReadOnlyList<RuleFired> Fired) : IDeviceEvent
    {
        public bool Equals(ReadingProcessed? other) =>
            other is not null && Seq == other.Seq && Timestamp == other.Timestamp && InputDigest == other.InputDigest
            && Metrics.SequenceEqual(other.Metrics) && Fired.SequenceEqual(other.Fired);

        public override int GetHashCode() => HashCode.Combine(Seq, InputDigest);
    }
}
