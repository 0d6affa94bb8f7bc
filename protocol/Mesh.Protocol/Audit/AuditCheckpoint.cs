using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Protocol.Identity;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Audit;

/// <summary>
/// The body of an <see cref="AuditKind.Checkpoint"/> record: the node's signature over the chain up to the record
/// before it. The signature covers <see cref="SignedBytes"/> (node, site, covered sequence, covered hash, the
/// checkpoint's own HLC wall time), so it cannot be moved to another node, another position or another history. The
/// public key rides along, so a verifier needs no other file to check the signature; which key is the node's is the
/// verifier's to know (the hub's pin, the node's identity folder, or the auditor's <c>--key</c>/<c>--fingerprint</c>).
/// </summary>
/// <param name="Covers">The sequence signed: the record right before the checkpoint.</param>
/// <param name="Hash">Hex SHA-256 of record <paramref name="Covers"/> (the checkpoint's previous hash).</param>
/// <param name="Key">Base64 DER SubjectPublicKeyInfo of the signing key (ECDSA P-256).</param>
/// <param name="Fingerprint">Hex SHA-256 of the DER key.</param>
/// <param name="Signature">Base64 ECDSA P-256 / SHA-256 signature, IEEE P1363 (64 bytes).</param>
/// <param name="EveryRecords">The node's interval: it leaves fewer records than this unsigned (0 = not stated).</param>
public sealed record AuditCheckpoint(
    [property: JsonPropertyName("covers")] long Covers,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("everyRecords")] int EveryRecords)
{
    /// <summary>Version and domain of the signed form: a signature over these bytes means nothing else.</summary>
    public const string Domain = "mesh-audit-checkpoint/1";

    /// <summary>The outcome every checkpoint record carries.</summary>
    public const string SignedOutcome = "signed";

    private static readonly JsonSerializerOptions Json = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The checkpoint record's message key.</summary>
    public static string MessageKeyFor(long covers) => $"checkpoint#{covers}";

    /// <summary>
    /// The canonical bytes a checkpoint signs:
    /// <code>str domain | str node | str site | i64be covered sequence | bytes covered hash | i64be checkpoint wall ms</code>
    /// str and bytes are a u16be length then the bytes (strings UTF-8).
    /// </summary>
    public static byte[] SignedBytes(string nodeId, string site, long covers, ReadOnlySpan<byte> coveredHash, long wallMillis)
    {
        var w = new ArrayBufferWriter<byte>(128);
        WriteBytes(w, Encoding.UTF8.GetBytes(Domain));
        WriteBytes(w, Encoding.UTF8.GetBytes(nodeId));
        WriteBytes(w, Encoding.UTF8.GetBytes(site));
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, covers);
        w.Write(number);
        WriteBytes(w, coveredHash);
        BinaryPrimitives.WriteInt64BigEndian(number, wallMillis);
        w.Write(number);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>The unsealed checkpoint record that follows <paramref name="head"/>, signed by <paramref name="sign"/>.</summary>
    public static AuditRecord CreateRecord(string nodeId, string site, HlcTimestamp hlc, ChainHead head, ReadOnlySpan<byte> publicKeyDer,
        Func<byte[], byte[]> sign, int everyRecords)
    {
        var signature = sign(SignedBytes(nodeId, site, head.Sequence, head.Hash.Span, hlc.WallMillis));
        var body = new AuditCheckpoint(head.Sequence, Convert.ToHexStringLower(head.Hash.Span), Convert.ToBase64String(publicKeyDer),
            NodePublicKey.Fingerprint(publicKeyDer), Convert.ToBase64String(signature), everyRecords);
        return new AuditRecord
        {
            Sequence = head.Sequence + 1,
            Kind = AuditKind.Checkpoint,
            Hlc = hlc,
            NodeId = nodeId,
            Site = site,
            Device = "",
            MessageKey = MessageKeyFor(head.Sequence),
            Outcome = SignedOutcome,
            Body = JsonSerializer.Serialize(body, Json),
            PreviousHash = head.Hash,
        };
    }

    /// <summary>Reads a checkpoint record's body; null with <paramref name="problem"/> when it is not one.</summary>
    public static AuditCheckpoint? Read(AuditRecord record, out string? problem)
    {
        problem = null;
        if (record.Kind != AuditKind.Checkpoint)
        {
            problem = $"record {record.Sequence} is a {record.Kind} record, not a checkpoint";
            return null;
        }
        try
        {
            var body = JsonSerializer.Deserialize<AuditCheckpoint>(record.Body, Json);
            if (body is null || body.Hash is null || body.Key is null || body.Fingerprint is null || body.Signature is null)
                problem = "the body lacks covers, hash, key, fingerprint or signature";
            return problem is null ? body : null;
        }
        catch (JsonException ex)
        {
            problem = $"the body is not a checkpoint's JSON: {ex.Message}";
            return null;
        }
    }

    private static void WriteBytes(IBufferWriter<byte> w, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
            throw new MeshProtocolException($"a checkpoint field of {value.Length} bytes; the limit is {ushort.MaxValue}");
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)value.Length);
        w.Write(length);
        w.Write(value);
    }
}
