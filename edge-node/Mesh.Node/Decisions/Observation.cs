using Mesh.Protocol;

namespace Mesh.Node.Decisions;

/// <summary>A validated reading from a device. <see cref="Metrics"/> are sorted by name (ordinal).</summary>
public sealed record Observation(SiteId Site, DeviceId Device, long Seq, DateTimeOffset Timestamp, IReadOnlyList<Metric> Metrics)
{
    /// <summary>Identity of the reading: a redelivery has the same key.</summary>
    public string MessageKey => $"{Device}#{Seq}";

    public double? ValueOf(string metric)
    {
        foreach (var m in Metrics)
            if (m.Name == metric)
                return m.Value;
        return null;
    }

    public bool Equals(Observation? other) =>
        other is not null && Site == other.Site && Device == other.Device && Seq == other.Seq
        && Timestamp == other.Timestamp && Metrics.SequenceEqual(other.Metrics);

    public override int GetHashCode() => HashCode.Combine(Site, Device, Seq);
}
