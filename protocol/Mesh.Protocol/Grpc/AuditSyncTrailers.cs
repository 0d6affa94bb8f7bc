namespace Mesh.Protocol.Grpc;

/// <summary>Trailers of the <c>AuditSync</c> service that node and hub both read.</summary>
public static class AuditSyncTrailers
{
    /// <summary>On a stream the hub sheds with <c>ResourceExhausted</c> (it is at <c>Hub:MaxSyncStreams</c>): how many
    /// milliseconds the node should wait before it tries again, already jittered by the hub. A decimal integer.</summary>
    public const string RetryAfterMs = "retry-after-ms";

    /// <summary>The longest wait a node takes from <see cref="RetryAfterMs"/>; a larger value is capped to it.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    /// <summary>The wait a <see cref="RetryAfterMs"/> value asks for, or null when the value is missing or not a
    /// non-negative integer. Capped at <see cref="MaxRetryAfter"/>.</summary>
    public static TimeSpan? ParseRetryAfter(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)MaxRetryAfter.TotalMilliseconds))
            : null;
}
