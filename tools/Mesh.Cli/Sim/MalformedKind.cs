namespace Mesh.Cli.Sim;

/// <summary>The kinds of malformed telemetry the simulator sends, in the order each device rotates through them.</summary>
public enum MalformedKind
{
    /// <summary>Truncated JSON.</summary>
    InvalidJson,

    /// <summary>A JSON array where an object is expected.</summary>
    JsonArray,

    /// <summary>An object without <c>seq</c>.</summary>
    MissingSeq,

    /// <summary><c>"seq":"17"</c>.</summary>
    SeqAsString,

    /// <summary>A bare <c>NaN</c> token as a metric value (not valid JSON either).</summary>
    NaNMetric,

    /// <summary><c>"metrics":{}</c>.</summary>
    EmptyMetrics,

    /// <summary>A 64 KiB payload, far above the node's 8 KiB limit.</summary>
    Oversized,

    /// <summary>A timestamp one day ahead of now.</summary>
    FutureTimestamp,
}
