namespace Mesh.Node.Audit;

/// <summary>A reading arrived while the audit backlog fills the journal's disk budget (<see cref="AuditJournal.BacklogFull"/>):
/// it is not recorded and must not be acknowledged, so the device (or broker) keeps it and sends it again.</summary>
public sealed class BacklogFullException(string message) : Exception(message);
