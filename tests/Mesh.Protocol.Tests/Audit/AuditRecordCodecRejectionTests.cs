using System.Text;
using Mesh.Protocol.Audit;

namespace Mesh.Protocol.Tests.Audit;

/// <summary>
/// Decoding must refuse every byte string that is not the one canonical encoding of a record.
/// Offsets below refer to <see cref="TestRecords.Tiny"/>: version 0, sequence 1, kind 2, hlc wall 3..10,
/// hlc counter 11..14, hlc node 15, node 17, site 19, device 21, message key 23, input digest 27,
/// route strings 28..31, latency 32, cost 33, reason count 34, policy 35, rule 36, decision 37,
/// outcome 38, body 39, previous hash 40 (length) + 41..72; 73 bytes in all.
/// </summary>
public class AuditRecordCodecRejectionTests
{
    private static readonly byte[] Tiny = AuditRecordCodec.Encode(TestRecords.Tiny());

    private static byte[] Splice(byte[] data, int start, int removeCount, params byte[] insert) =>
        [.. data.AsSpan(0, start), .. insert, .. data.AsSpan(start + removeCount)];

    private static AuditFormatException Rejects(byte[] data) =>
        Should.Throw<AuditFormatException>(() => AuditRecordCodec.Decode(data));

    [Fact]
    public void Tiny_Encoding_HasTheLayoutTheseTestsAssume()
    {
        Tiny.Length.ShouldBe(73);
        Tiny[40].ShouldBe((byte)32);
        AuditRecordCodec.Decode(Tiny).ShouldBe(TestRecords.Tiny());
    }

    [Fact]
    public void Decode_EveryTruncatedPrefix_ThrowsEndsEarly()
    {
        var full = AuditRecordCodec.Encode(TestRecords.FullyPopulated());

        for (var length = 0; length < full.Length; length++)
        {
            var prefix = full[..length];
            var ex = Should.Throw<AuditFormatException>(() => AuditRecordCodec.Decode(prefix), $"prefix of {length} bytes");
            ex.Offset.ShouldBeInRange(0, length, $"prefix of {length} bytes");
            (ex.Message.Contains("ends early", StringComparison.Ordinal) || ex.Message.Contains("runs past the end", StringComparison.Ordinal))
                .ShouldBeTrue($"prefix of {length} bytes: {ex.Message}");
        }
    }

    [Fact]
    public void Decode_Empty_ThrowsAtOffsetZero()
    {
        var ex = Rejects([]);

        ex.Offset.ShouldBe(0);
        ex.Message.ShouldContain("version");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void Decode_TrailingBytes_Throws(int extra)
    {
        var ex = Rejects([.. Tiny, .. new byte[extra]]);

        ex.Offset.ShouldBe(Tiny.Length);
        ex.Message.ShouldContain($"{extra} trailing bytes");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Decode_UnknownVersion_Throws(byte version)
    {
        var ex = Rejects(Splice(Tiny, 0, 1, version));

        ex.Offset.ShouldBe(0);
        ex.Message.ShouldContain($"unknown encoding version {version}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(255)]
    public void Decode_UnknownKind_Throws(byte kind)
    {
        var ex = Rejects(Splice(Tiny, 2, 1, kind));

        ex.Offset.ShouldBe(2);
        ex.Message.ShouldContain($"unknown record kind {kind}");
    }

    [Fact]
    public void Decode_SequenceZero_Throws()
    {
        var ex = Rejects(Splice(Tiny, 1, 1, 0x00));

        ex.Message.ShouldContain("sequence 0 is out of range");
    }

    [Fact]
    public void Decode_NonMinimalSequenceVarint_Throws()
    {
        // 1 encoded in two bytes (0x81 0x00) instead of one.
        var ex = Rejects(Splice(Tiny, 1, 1, 0x81, 0x00));

        ex.Offset.ShouldBe(1);
        ex.Message.ShouldContain("sequence: non-minimal varint");
    }

    [Fact]
    public void Decode_NonMinimalLengthVarint_Throws()
    {
        // The site's length 1 encoded as 0x81 0x00.
        var ex = Rejects(Splice(Tiny, 19, 1, 0x81, 0x00));

        ex.Offset.ShouldBe(19);
        ex.Message.ShouldContain("site: non-minimal varint");
    }

    [Fact]
    public void Decode_VarintLongerThanTenBytes_Throws()
    {
        var ex = Rejects(Splice(Tiny, 1, 1, [.. Enumerable.Repeat((byte)0x80, 10), 0x01]));

        ex.Offset.ShouldBe(1);
        ex.Message.ShouldContain("longer than 10 bytes");
    }

    [Fact]
    public void Decode_TenthVarintByteOverflows64Bits_Throws()
    {
        // 1 + 2^64: bit 64 does not fit in a ulong. Accepting it would give sequence 1 a second
        // encoding, so the bytes a hub hashes would no longer be the one canonical form.
        byte[] overflowing = [0x81, .. Enumerable.Repeat((byte)0x80, 8), 0x02];

        var ex = Rejects(Splice(Tiny, 1, 1, overflowing));

        ex.Offset.ShouldBe(1);
        ex.Message.ShouldStartWith("sequence: ");
    }

    [Fact]
    public void Decode_HlcCounterAboveIntMax_Throws()
    {
        var ex = Rejects(Splice(Tiny, 11, 4, 0x80, 0x00, 0x00, 0x00));

        ex.Offset.ShouldBe(11);
        ex.Message.ShouldContain("hlc counter out of range");
    }

    public static TheoryData<byte[]> InvalidUtf8() => new(
        [0xFF],                 // never valid
        [0xC3],                 // truncated two-byte sequence
        [0xC0, 0xAF],           // overlong '/'
        [0xED, 0xA0, 0x80],     // UTF-16 surrogate encoded as UTF-8
        [0x61, 0x80, 0x62]);    // stray continuation byte

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Decode_InvalidUtf8InString_Throws(byte[] invalid)
    {
        // Replace the empty outcome (offset 38) with the invalid bytes.
        var ex = Rejects(Splice(Tiny, 38, 1, [(byte)invalid.Length, .. invalid]));

        ex.Offset.ShouldBe(38);
        ex.Message.ShouldContain("outcome: invalid UTF-8");
    }

    [Fact]
    public void Decode_LengthRunningPastTheEnd_Throws()
    {
        // The body's length says 16383 bytes; only the previous hash follows.
        var ex = Rejects(Splice(Tiny, 39, 1, 0xFF, 0x7F));

        ex.Offset.ShouldBe(39);
        ex.Message.ShouldContain("body: length 16383 runs past the end");
    }

    [Fact]
    public void Decode_HugeLengthVarint_ThrowsRunsPastTheEnd()
    {
        // ulong.MaxValue as a length must not overflow into a small or negative slice.
        byte[] max = [.. Enumerable.Repeat((byte)0xFF, 9), 0x01];

        var ex = Rejects(Splice(Tiny, 39, 1, max));

        ex.Offset.ShouldBe(39);
        ex.Message.ShouldContain("runs past the end");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Decode_PreviousHashOfWrongLength_Throws(int length)
    {
        var data = Splice(Tiny, 40, 33, [(byte)length, .. new byte[length]]);

        var ex = Rejects(data);

        ex.Message.ShouldContain($"previous hash is {length} bytes, expected 32");
        ex.Offset.ShouldBeInRange(40, data.Length);
    }

    [Fact]
    public void Decode_TooManyRouteReasons_Throws()
    {
        // Reason count 1025 (0x81 0x08) where the tiny record has none.
        var ex = Rejects(Splice(Tiny, 34, 1, 0x81, 0x08));

        ex.Message.ShouldContain("1025 route reasons");
    }

    [Fact]
    public void Decode_OverMaxRecordBytes_ThrowsBeforeParsing()
    {
        var data = new byte[AuditRecordCodec.MaxRecordBytes + 1];
        Tiny.CopyTo(data, 0);

        var ex = Rejects(data);

        ex.Offset.ShouldBe(0);
        ex.Message.ShouldContain($"record is {AuditRecordCodec.MaxRecordBytes + 1} bytes; the limit is {AuditRecordCodec.MaxRecordBytes}");
    }

    [Fact]
    public void Decode_RecordOfExactlyMaxRecordBytes_IsAccepted()
    {
        var tinyBody = TestRecords.Tiny();
        var overhead = AuditRecordCodec.Encode(tinyBody).Length + 2; // the body's length grows to a 3-byte varint
        var record = tinyBody with { Body = new string('x', AuditRecordCodec.MaxRecordBytes - overhead) };
        var data = AuditRecordCodec.Encode(record);

        data.Length.ShouldBe(AuditRecordCodec.MaxRecordBytes);
        AuditRecordCodec.Decode(data).ShouldBe(record);
    }

    [Fact]
    public void AuditFormatException_Message_NamesTheOffset()
    {
        var ex = Rejects(Splice(Tiny, 2, 1, 200));

        ex.Message.ShouldEndWith("(at byte 2)");
        ex.ShouldBeAssignableTo<MeshProtocolException>();
    }

    [Fact]
    public void Decode_ValidUtf8Body_IsNotMistakenForInvalid()
    {
        var body = "naïve — 温度 🌡️";
        var data = AuditRecordCodec.Encode(TestRecords.Tiny() with { Body = body });

        AuditRecordCodec.Decode(data).Body.ShouldBe(body);
        data.AsSpan().IndexOf(Encoding.UTF8.GetBytes(body)).ShouldBeGreaterThan(0);
    }
}
