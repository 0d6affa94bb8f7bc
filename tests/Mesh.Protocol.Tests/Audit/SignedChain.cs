using System.Security.Cryptography;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Identity;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Audit;

/// <summary>Builds sealed chains with signed checkpoints, as a node's journal writes them, for the checkpoint tests.</summary>
internal sealed class SignedChain : IDisposable
{
    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] PublicKeyDer => Key.ExportSubjectPublicKeyInfo();

    public string Fingerprint => NodePublicKey.Fingerprint(PublicKeyDer);

    public byte[] Sign(byte[] data) => Key.SignData(data, HashAlgorithmName.SHA256);

    /// <summary>A checkpoint (unsealed) that follows <paramref name="head"/>.</summary>
    public AuditRecord CheckpointAfter(ChainHead head, int everyRecords = 10, string node = TestRecords.Node) =>
        AuditCheckpoint.CreateRecord(node, "site-a", new HlcTimestamp(1_795_460_400_000 + head.Sequence, 1, node), head, PublicKeyDer, Sign, everyRecords);

    /// <summary><paramref name="count"/> records with a checkpoint after every <paramref name="every"/> plain ones
    /// (checkpoints count in the sequence).</summary>
    public List<AuditRecord> Build(int count, int every = 10)
    {
        var records = new List<AuditRecord>(count);
        var head = ChainHead.Genesis;
        var plain = 0;
        while (records.Count < count)
        {
            AuditRecord record;
            if (plain == every)
            {
                record = CheckpointAfter(head, every).Seal();
                plain = 0;
            }
            else
            {
                record = TestRecords.Minimal(head.Sequence + 1, head.Hash).Seal();
                plain++;
            }
            records.Add(record);
            head = new ChainHead(record.Sequence, record.Hash);
        }
        return records;
    }

    /// <summary>Re-seals records from index <paramref name="from"/> on so the hash chain holds again (what someone with
    /// the box does after editing a record): checkpoint bodies stay as signed.</summary>
    public static void Rechain(List<AuditRecord> records, int from)
    {
        for (var i = from; i < records.Count; i++)
        {
            var previous = i == 0 ? AuditRecordCodec.GenesisHash : records[i - 1].Hash;
            records[i] = (records[i] with { PreviousHash = previous, Hash = default }).Seal();
        }
    }

    /// <summary>The record with its checkpoint body edited (unsealed: seal it to keep the hash chain intact).</summary>
    public static AuditRecord EditBody(AuditRecord record, Func<AuditCheckpoint, AuditCheckpoint> edit) =>
        record with { Body = System.Text.Json.JsonSerializer.Serialize(edit(AuditCheckpoint.Read(record, out _)!)), Hash = default };

    public void Dispose() => Key.Dispose();
}
