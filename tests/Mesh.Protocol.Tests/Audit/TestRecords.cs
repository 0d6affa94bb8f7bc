using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Audit;

/// <summary>Builders for audit records and chains used across the audit tests.</summary>
internal static class TestRecords
{
    public const string Node = "node-1";

    /// <summary>A record with every field set to a distinct, non-default value (unsealed).</summary>
    public static AuditRecord FullyPopulated() => new()
    {
        Sequence = 300,
        Kind = AuditKind.Decision,
        Hlc = new HlcTimestamp(1_795_460_400_123, 7, Node),
        NodeId = Node,
        Site = "site-a",
        Device = "dev-1",
        MessageKey = "dev-1#42",
        InputDigest = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray(),
        Route = new AuditRoute("edge-gpu", "jetson-orin", "anomaly", "1.4.2", 12_345, 67, ["fastest within deadline", "cloud-gpu: over cost cap"]),
        PolicyVersion = "site-a@v12",
        Rule = "cooling.threshold",
        Decision = "cooling-on",
        Outcome = "published",
        Body = "{\"temperature\":31.2,\"note\":\"Température élevée — 温度 🌡️\"}",
        PreviousHash = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray(),
    };

    /// <summary>The smallest interesting record: single-byte varints and one-char strings, genesis previous hash.
    /// Its layout is spelled out byte by byte in <c>Encode_MinimalRecord_MatchesTheDocumentedVersion1Layout</c>.</summary>
    public static AuditRecord Tiny() => new()
    {
        Sequence = 1,
        Kind = AuditKind.Observation,
        Hlc = new HlcTimestamp(1000, 2, "n"),
        NodeId = "n",
        Site = "s",
        Device = "d",
        MessageKey = "d#1",
        PreviousHash = AuditRecordCodec.GenesisHash,
    };

    public static AuditRecord Minimal(long sequence, ReadOnlyMemory<byte> previousHash, string node = Node) => new()
    {
        Sequence = sequence,
        Kind = AuditKind.Observation,
        Hlc = new HlcTimestamp(1_795_460_400_000 + sequence, 0, node),
        NodeId = node,
        Site = "site-a",
        Device = "dev-1",
        MessageKey = $"dev-1#{sequence}",
        Body = $"{{\"seq\":{sequence}}}",
        PreviousHash = previousHash,
    };

    /// <summary>A correctly chained, sealed journal with sequences 1..count; element i holds sequence i + 1.</summary>
    public static List<AuditRecord> Chain(int count, string node = Node)
    {
        var records = new List<AuditRecord>(count);
        var previous = AuditRecordCodec.GenesisHash;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var record = Minimal(sequence, previous, node).Seal();
            records.Add(record);
            previous = record.Hash;
        }
        return records;
    }
}
