using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Audit;

/// <summary>
/// The canonical binary encoding of an <see cref="AuditRecord"/> (everything but its own hash), version 1:
/// <code>
/// u8 version=1 | varint sequence | u8 kind | i64be hlc.wall | u32be hlc.counter | str hlc.node
/// | str node | str site | str device | str messageKey | bytes inputDigest
/// | str route.target | str route.profile | str route.model | str route.modelVersion
/// | varint route.latencyMicros | varint route.costMicros | varint n | n × str route.reason
/// | str policyVersion | str rule | str decision | str outcome | str body | bytes previousHash
/// </code>
/// str and bytes are a varint length then the bytes (strings UTF-8). There is exactly one encoding of a
/// record: decoding rejects trailing bytes, non-minimal varints and invalid UTF-8, so that hashing the
/// bytes a hub received is the same as hashing the record the node wrote.
/// </summary>
public static class AuditRecordCodec
{
    public const byte Version = 1;
    public const int HashLength = 32;

    /// <summary>Largest encoded record accepted (64 KiB).</summary>
    public const int MaxRecordBytes = 64 * 1024;

    /// <summary>The previous hash of the first record in every chain.</summary>
    public static ReadOnlyMemory<byte> GenesisHash { get; } = new byte[HashLength];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(AuditRecord record)
    {
        var w = new ArrayBufferWriter<byte>(256 + record.Body.Length);
        w.Write([Version]);
        WriteVarint(w, checked((ulong)record.Sequence));
        w.Write([(byte)record.Kind]);
        Span<byte> fixedPart = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(fixedPart, record.Hlc.WallMillis);
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart[8..], checked((uint)record.Hlc.Counter));
        w.Write(fixedPart);
        WriteString(w, record.Hlc.NodeId ?? "");
        WriteString(w, record.NodeId);
        WriteString(w, record.Site);
        WriteString(w, record.Device);
        WriteString(w, record.MessageKey);
        WriteBytes(w, record.InputDigest.Span);
        var route = record.Route;
        WriteString(w, route.Target);
        WriteString(w, route.Profile);
        WriteString(w, route.Model);
        WriteString(w, route.ModelVersion);
        WriteVarint(w, checked((ulong)route.LatencyMicros));
        WriteVarint(w, checked((ulong)route.CostMicros));
        WriteVarint(w, (ulong)route.Reasons.Count);
        foreach (var reason in route.Reasons)
            WriteString(w, reason);
        WriteString(w, record.PolicyVersion);
        WriteString(w, record.Rule);
        WriteString(w, record.Decision);
        WriteString(w, record.Outcome);
        WriteString(w, record.Body);
        WriteBytes(w, record.PreviousHash.Span);
        if (w.WrittenCount > MaxRecordBytes)
            throw new MeshProtocolException($"audit record {record.Sequence} encodes to {w.WrittenCount} bytes; the limit is {MaxRecordBytes}");
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Decodes canonical bytes; the result has an empty <see cref="AuditRecord.Hash"/>.</summary>
    /// <exception cref="AuditFormatException">The bytes are not a canonical version-1 record.</exception>
    public static AuditRecord Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxRecordBytes)
            throw new AuditFormatException($"record is {data.Length} bytes; the limit is {MaxRecordBytes}", 0);
        var r = new Reader(data);
        var version = r.Byte("version");
        if (version != Version)
            throw new AuditFormatException($"unknown encoding version {version}", 0);
        var sequence = r.Varint("sequence");
        if (sequence is 0 or > long.MaxValue)
            throw new AuditFormatException($"sequence {sequence} is out of range", r.Offset);
        var kindOffset = r.Offset;
        var kind = (AuditKind)r.Byte("kind");
        if (!Enum.IsDefined(kind))
            throw new AuditFormatException($"unknown record kind {(byte)kind}", kindOffset);
        var wall = r.Int64("hlc wall time");
        var counter = r.UInt32("hlc counter");
        if (counter > int.MaxValue)
            throw new AuditFormatException("hlc counter out of range", r.Offset - 4);
        var hlcNode = r.String("hlc node");
        var record = new AuditRecord
        {
            Sequence = (long)sequence,
            Kind = kind,
            Hlc = new HlcTimestamp(wall, (int)counter, hlcNode),
            NodeId = r.String("node"),
            Site = r.String("site"),
            Device = r.String("device"),
            MessageKey = r.String("message key"),
            InputDigest = r.Bytes("input digest"),
            Route = ReadRoute(ref r),
            PolicyVersion = r.String("policy version"),
            Rule = r.String("rule"),
            Decision = r.String("decision"),
            Outcome = r.String("outcome"),
            Body = r.String("body"),
            PreviousHash = r.Bytes("previous hash"),
        };
        if (record.PreviousHash.Length != HashLength)
            throw new AuditFormatException($"previous hash is {record.PreviousHash.Length} bytes, expected {HashLength}", r.Offset);
        if (!r.AtEnd)
            throw new AuditFormatException($"{data.Length - r.Offset} trailing bytes", r.Offset);
        return record;
    }

    public static byte[] ComputeHash(ReadOnlySpan<byte> canonical) => SHA256.HashData(canonical);

    private static AuditRoute ReadRoute(ref Reader r)
    {
        var target = r.String("route target");
        var profile = r.String("route profile");
        var model = r.String("route model");
        var modelVersion = r.String("route model version");
        var latency = r.Varint("route latency");
        var cost = r.Varint("route cost");
        var count = r.Varint("route reason count");
        if (count > 1024)
            throw new AuditFormatException($"{count} route reasons; the limit is 1024", r.Offset);
        var reasons = new string[count];
        for (var i = 0; i < reasons.Length; i++)
            reasons[i] = r.String("route reason");
        if (latency > long.MaxValue || cost > long.MaxValue)
            throw new AuditFormatException("route latency or cost out of range", r.Offset);
        if (target.Length == 0 && profile.Length == 0 && model.Length == 0 && modelVersion.Length == 0
            && latency == 0 && cost == 0 && reasons.Length == 0)
            return AuditRoute.None;
        return new AuditRoute(target, profile, model, modelVersion, (long)latency, (long)cost, reasons);
    }

    private static void WriteVarint(IBufferWriter<byte> w, ulong value)
    {
        Span<byte> buf = stackalloc byte[10];
        var n = 0;
        while (value >= 0x80)
        {
            buf[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buf[n++] = (byte)value;
        w.Write(buf[..n]);
    }

    private static void WriteString(IBufferWriter<byte> w, string value)
    {
        var byteCount = StrictUtf8.GetByteCount(value);
        WriteVarint(w, (ulong)byteCount);
        var span = w.GetSpan(byteCount);
        StrictUtf8.GetBytes(value, span);
        w.Advance(byteCount);
    }

    private static void WriteBytes(IBufferWriter<byte> w, ReadOnlySpan<byte> value)
    {
        WriteVarint(w, (ulong)value.Length);
        w.Write(value);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Offset { get; private set; }

        public readonly bool AtEnd => Offset == _data.Length;

        public byte Byte(string field)
        {
            Need(1, field);
            return _data[Offset++];
        }

        public long Int64(string field)
        {
            Need(8, field);
            var v = BinaryPrimitives.ReadInt64BigEndian(_data[Offset..]);
            Offset += 8;
            return v;
        }

        public uint UInt32(string field)
        {
            Need(4, field);
            var v = BinaryPrimitives.ReadUInt32BigEndian(_data[Offset..]);
            Offset += 4;
            return v;
        }

        public ulong Varint(string field)
        {
            var start = Offset;
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                Need(1, field);
                var b = _data[Offset++];
                if (shift == 63 && (b & 0x7F) > 1)
                    throw new AuditFormatException($"{field}: varint overflows 64 bits", start);
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    if (b == 0 && Offset - start > 1)
                        throw new AuditFormatException($"{field}: non-minimal varint", start);
                    return value;
                }
            }
            throw new AuditFormatException($"{field}: varint longer than 10 bytes", start);
        }

        public byte[] Bytes(string field)
        {
            var start = Offset;
            var length = Varint(field);
            if (length > (ulong)(_data.Length - Offset))
                throw new AuditFormatException($"{field}: length {length} runs past the end", start);
            var v = _data.Slice(Offset, (int)length).ToArray();
            Offset += (int)length;
            return v;
        }

        public string String(string field)
        {
            var start = Offset;
            var bytes = Bytes(field);
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new AuditFormatException($"{field}: invalid UTF-8", start);
            }
        }

        private readonly void Need(int count, string field)
        {
            if (_data.Length - Offset < count)
                throw new AuditFormatException($"{field}: record ends early", Offset);
        }
    }
}
