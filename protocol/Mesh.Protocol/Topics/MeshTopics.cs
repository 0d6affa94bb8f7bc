namespace Mesh.Protocol.Topics;

/// <summary>The MQTT topic names every device and node agrees on: <c>mesh/&lt;site&gt;/&lt;device&gt;/&lt;kind&gt;</c>.</summary>
public static class MeshTopics
{
    public const string Root = "mesh";
    public const string TelemetryKind = "telemetry";
    public const string CommandKind = "command";
    public const string DeadletterKind = "deadletter";

    /// <summary>Subscription filter for every device's telemetry on every site.</summary>
    public const string TelemetryFilter = "mesh/+/+/telemetry";

    /// <summary>Longest site or device id accepted in a topic segment.</summary>
    public const int MaxSegmentLength = 128;

    public static string Telemetry(SiteId site, DeviceId device) => $"{Root}/{site}/{device}/{TelemetryKind}";

    public static string Command(SiteId site, DeviceId device) => $"{Root}/{site}/{device}/{CommandKind}";

    public static string Deadletter(SiteId site, DeviceId device) => $"{Root}/{site}/{device}/{DeadletterKind}";

    /// <summary>Splits a device topic. Fails on anything but exactly four segments under <c>mesh/</c>
    /// with non-empty, wildcard-free site and device ids of at most <see cref="MaxSegmentLength"/> chars.</summary>
    public static bool TryParse(string topic, out SiteId site, out DeviceId device, out string kind)
    {
        site = default;
        device = default;
        kind = "";
        var parts = topic.Split('/');
        if (parts.Length != 4 || parts[0] != Root)
            return false;
        if (!IsValidSegment(parts[1]) || !IsValidSegment(parts[2]) || !IsValidSegment(parts[3]))
            return false;
        site = new SiteId(parts[1]);
        device = new DeviceId(parts[2]);
        kind = parts[3];
        return true;
    }

    /// <summary>An id usable as one topic segment: 1-128 characters, no '/', '+', '#', NUL or whitespace.</summary>
    public static bool IsValidSegment(string segment) =>
        segment.Length is > 0 and <= MaxSegmentLength
        && segment.AsSpan().IndexOfAny("/+#\0") < 0
        && !segment.Any(char.IsWhiteSpace);
}
