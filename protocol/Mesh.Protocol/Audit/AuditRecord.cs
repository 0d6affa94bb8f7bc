using Mesh.Protocol.Time;

namespace Mesh.Protocol.Audit;

/// <summary>
/// One entry of a node's append-only audit journal. <see cref="Hash"/> is SHA-256 over the canonical
/// encoding (<see cref="AuditRecordCodec"/>) of every other field, including <see cref="PreviousHash"/>,
/// which chains the record to its predecessor. Build unsealed records with an empty hash and call
/// <see cref="Seal"/>; never change a sealed record.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Position in the node's journal; the first record is 1, and each is the previous + 1.</summary>
    public required long Sequence { get; init; }

    public required AuditKind Kind { get; init; }

    public required HlcTimestamp Hlc { get; init; }

    public required string NodeId { get; init; }

    public required string Site { get; init; }

    /// <summary>The device the record is about; empty for node-level records.</summary>
    public required string Device { get; init; }

    /// <summary>Identity of the input that caused the record (for a reading: <c>device#seq</c>).
    /// Records with the same key and kind are the same record: the journal stores one.</summary>
    public required string MessageKey { get; init; }

    /// <summary>SHA-256 of the raw input (the MQTT payload); empty when there is no input.</summary>
    public ReadOnlyMemory<byte> InputDigest { get; init; }

    public AuditRoute Route { get; init; } = AuditRoute.None;

    public string PolicyVersion { get; init; } = "";

    /// <summary>The rule that fired, if any.</summary>
    public string Rule { get; init; } = "";

    /// <summary>The decision taken (for example <c>cooling-on</c>), if any.</summary>
    public string Decision { get; init; } = "";

    /// <summary>What came of it (for example <c>accepted</c>, <c>published</c>, or a rejection reason).</summary>
    public string Outcome { get; init; } = "";

    /// <summary>The record's content as compact JSON: the observation, the command, or the refused input.</summary>
    public string Body { get; init; } = "";

    public required ReadOnlyMemory<byte> PreviousHash { get; init; }

    public ReadOnlyMemory<byte> Hash { get; init; }

    /// <summary>Returns this record with <see cref="Hash"/> computed over its canonical encoding.</summary>
    public AuditRecord Seal() => this with { Hash = AuditRecordCodec.ComputeHash(AuditRecordCodec.Encode(this)) };

    public bool Equals(AuditRecord? other) =>
        other is not null
        && Sequence == other.Sequence && Kind == other.Kind && Hlc == other.Hlc
        && NodeId == other.NodeId && Site == other.Site && Device == other.Device
        && MessageKey == other.MessageKey && InputDigest.Span.SequenceEqual(other.InputDigest.Span)
        && Route.Equals(other.Route) && PolicyVersion == other.PolicyVersion && Rule == other.Rule
        && Decision == other.Decision && Outcome == other.Outcome && Body == other.Body
        && PreviousHash.Span.SequenceEqual(other.PreviousHash.Span) && Hash.Span.SequenceEqual(other.Hash.Span);

    public override int GetHashCode() => HashCode.Combine(Sequence, Kind, NodeId, MessageKey);
}
