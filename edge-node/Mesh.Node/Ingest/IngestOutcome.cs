namespace Mesh.Node.Ingest;

public enum IngestOutcome
{
    /// <summary>A new reading, decided and recorded.</summary>
    Accepted,

    /// <summary>A redelivered reading: recorded before, not decided again.</summary>
    Duplicate,

    /// <summary>Refused; a Rejected record and a dead letter say why.</summary>
    Rejected,

    /// <summary>Not telemetry; the node does not handle it.</summary>
    Ignored,
}
