using Google.Protobuf;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;

namespace Mesh.Hub.Tests.Support;

/// <summary>A node's correctly chained journal, grown on demand; <c>this[seq]</c> is the record at seq.</summary>
internal sealed class TestChain(string node = TestChain.Node, string site = TestChain.Site)
{
    public const string Node = "edge-1";
    public const string Site = "site-a";
    private const long BaseWall = 1_795_460_400_000;

    private readonly List<AuditRecord> _records = [];

    public string NodeId => node;

    public string SiteId => site;

    public long Head => _records.Count;

    public AuditRecord this[long sequence] => _records[(int)sequence - 1];

    /// <summary>Appends <paramref name="count"/> records and returns them.</summary>
    public IReadOnlyList<AuditRecord> Next(int count)
    {
        var added = new List<AuditRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var previous = _records.Count == 0 ? AuditRecordCodec.GenesisHash : _records[^1].Hash;
            var record = Make(_records.Count + 1, previous, node, site);
            _records.Add(record);
            added.Add(record);
        }
        return added;
    }

    /// <summary>Appends one record of <paramref name="kind"/> with that body and outcome, as a node journals
    /// approvals and policy changes, and returns it.</summary>
    public AuditRecord Append(AuditKind kind, string body, string outcome = "", string device = "")
    {
        var previous = _records.Count == 0 ? AuditRecordCodec.GenesisHash : _records[^1].Hash;
        var sequence = _records.Count + 1;
        var record = (Make(sequence, previous, node, site) with
        {
            Kind = kind,
            Device = device,
            MessageKey = $"{kind}#{sequence}",
            Body = body,
            Outcome = outcome,
        }).Seal();
        _records.Add(record);
        return record;
    }

    /// <summary>Appends the next record as <paramref name="shape"/> makes it from the plain one (sequence, clock, node,
    /// site and link are set; the result is sealed) and returns it.</summary>
    public AuditRecord Append(Func<AuditRecord, AuditRecord> shape)
    {
        var previous = _records.Count == 0 ? AuditRecordCodec.GenesisHash : _records[^1].Hash;
        var record = shape(Make(_records.Count + 1, previous, node, site)).Seal();
        _records.Add(record);
        return record;
    }

    /// <summary>Appends a checkpoint signed by <paramref name="key"/> over the current head, as a node's journal writes
    /// it, and returns it.</summary>
    public AuditRecord AppendCheckpoint(System.Security.Cryptography.ECDsa key)
    {
        var head = _records.Count == 0 ? ChainHead.Genesis : new ChainHead(_records.Count, _records[^1].Hash);
        var record = AuditCheckpoint.CreateRecord(node, site, new HlcTimestamp(BaseWall + head.Sequence + 1, 0, node), head,
            key.ExportSubjectPublicKeyInfo(), data => key.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256), 1000).Seal();
        _records.Add(record);
        return record;
    }

    /// <summary>The HLC wall time (Unix ms) <see cref="Make"/> gives the record at <paramref name="sequence"/>.</summary>
    public static long WallOf(long sequence) => BaseWall + sequence;

    /// <summary>Records <paramref name="from"/>..<paramref name="to"/> inclusive.</summary>
    public IReadOnlyList<AuditRecord> Range(long from, long to) => [.. _records.Skip((int)from - 1).Take((int)(to - from + 1))];

    public static AuditRecord Make(long sequence, ReadOnlyMemory<byte> previousHash, string node = Node, string site = Site) => new AuditRecord
    {
        Sequence = sequence,
        Kind = AuditKind.Observation,
        Hlc = new HlcTimestamp(BaseWall + sequence, 0, node),
        NodeId = node,
        Site = site,
        Device = "dev",
        MessageKey = $"dev#{sequence}",
        PreviousHash = previousHash,
        Body = "{}",
    }.Seal();

    public static AuditRecordEnvelope Envelope(AuditRecord record) => new()
    {
        Canonical = ByteString.CopyFrom(AuditRecordCodec.Encode(record)),
        Hash = ByteString.CopyFrom(record.Hash.Span),
    };
}
