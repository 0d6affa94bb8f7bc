using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>An audit record before the journal gives it a sequence, a clock stamp and its place in the chain.</summary>
public sealed record AuditDraft(
    AuditKind Kind,
    string Device,
    string MessageKey,
    ReadOnlyMemory<byte> InputDigest,
    AuditRoute Route,
    string PolicyVersion,
    string Rule,
    string Decision,
    string Outcome,
    string Body);

/// <summary>What an append did: the journal head after it, and how many drafts were new or already present.</summary>
public readonly record struct AppendResult(long Head, int Appended, int Skipped);
