using System.Security.Cryptography;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Audit;

public class AuditRecordCodecTests
{
    [Fact]
    public void Codec_FullyPopulatedRecord_RoundTripsEqual()
    {
        var record = TestRecords.FullyPopulated();

        var decoded = AuditRecordCodec.Decode(AuditRecordCodec.Encode(record));

        decoded.ShouldBe(record);
        decoded.Route.Reasons.ShouldBe(["fastest within deadline", "cloud-gpu: over cost cap"]);
        decoded.Body.ShouldBe(record.Body);
        decoded.InputDigest.ToArray().ShouldBe(record.InputDigest.ToArray());
    }

    [Fact]
    public void Codec_SealedRecord_DecodesWithEmptyHashAndEqualsOnceHashRestored()
    {
        var sealedRecord = TestRecords.FullyPopulated().Seal();

        var decoded = AuditRecordCodec.Decode(AuditRecordCodec.Encode(sealedRecord));

        decoded.Hash.Length.ShouldBe(0);
        decoded.ShouldNotBe(sealedRecord);
        (decoded with { Hash = sealedRecord.Hash }).ShouldBe(sealedRecord);
    }

    [Fact]
    public void Codec_RecordWithoutRoute_DecodesToRouteNone()
    {
        var record = TestRecords.Minimal(1, AuditRecordCodec.GenesisHash);

        var decoded = AuditRecordCodec.Decode(AuditRecordCodec.Encode(record));

        decoded.Route.ShouldBe(AuditRoute.None);
        decoded.ShouldBe(record);
    }

    public static TheoryData<AuditKind> AllKinds() => new(Enum.GetValues<AuditKind>());

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Codec_EveryKind_RoundTrips(AuditKind kind)
    {
        var record = TestRecords.FullyPopulated() with { Kind = kind };

        var decoded = AuditRecordCodec.Decode(AuditRecordCodec.Encode(record));

        decoded.Kind.ShouldBe(kind);
        decoded.ShouldBe(record);
    }

    [Fact]
    public void AuditKind_Values_ArePinnedForTheCanonicalEncoding()
    {
        Enum.GetValues<AuditKind>().Select(k => (byte)k).ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 });
        ((byte)AuditKind.Observation).ShouldBe((byte)1);
        ((byte)AuditKind.Rejected).ShouldBe((byte)4);
    }

    [Fact]
    public void Encode_MinimalRecord_MatchesTheDocumentedVersion1Layout()
    {
        var record = TestRecords.Tiny();
        var expected = Convert.FromHexString(
            "01" + "01" + "01"                      // version, sequence, kind
            + "00000000000003E8" + "00000002"       // hlc wall (i64be), counter (u32be)
            + "016E" + "016E" + "0173" + "0164"     // hlc node, node, site, device
            + "03642331"                            // message key "d#1"
            + "00"                                  // input digest (empty)
            + "00000000" + "0000" + "00"            // route: 4 strings, latency, cost, 0 reasons
            + "0000000000"                          // policy version, rule, decision, outcome, body
            + "20" + new string('0', 64));          // previous hash: 32 zero bytes

        AuditRecordCodec.Encode(record).ShouldBe(expected);
    }

    [Fact]
    public void Encode_MultiByteSequence_IsLittleEndianBase128Varint()
    {
        var bytes = AuditRecordCodec.Encode(TestRecords.Minimal(300, AuditRecordCodec.GenesisHash));

        bytes[1].ShouldBe((byte)0xAC);
        bytes[2].ShouldBe((byte)0x02);
        bytes[3].ShouldBe((byte)AuditKind.Observation);
    }

    [Fact]
    public void Encode_SameRecord_ProducesSameBytes()
    {
        var first = AuditRecordCodec.Encode(TestRecords.FullyPopulated());
        var second = AuditRecordCodec.Encode(TestRecords.FullyPopulated());
        var reencoded = AuditRecordCodec.Encode(AuditRecordCodec.Decode(first));

        second.ShouldBe(first);
        reencoded.ShouldBe(first);
    }

    [Fact]
    public void Encode_DifferentBody_ProducesDifferentBytes()
    {
        var record = TestRecords.FullyPopulated();

        AuditRecordCodec.Encode(record with { Body = record.Body + " " }).ShouldNotBe(AuditRecordCodec.Encode(record));
    }

    [Fact]
    public void Seal_AnyRecord_HashIsSha256OfEncoding()
    {
        var record = TestRecords.FullyPopulated();

        var sealedRecord = record.Seal();

        sealedRecord.Hash.ToArray().ShouldBe(SHA256.HashData(AuditRecordCodec.Encode(record)));
        sealedRecord.Hash.Length.ShouldBe(AuditRecordCodec.HashLength);
        AuditRecordCodec.ComputeHash(AuditRecordCodec.Encode(record)).ShouldBe(sealedRecord.Hash.ToArray());
    }

    [Fact]
    public void Encode_SealedRecord_ExcludesItsOwnHash()
    {
        var record = TestRecords.FullyPopulated();

        AuditRecordCodec.Encode(record.Seal()).ShouldBe(AuditRecordCodec.Encode(record));
    }

    [Fact]
    public void Seal_ChangedField_ChangesHash()
    {
        var record = TestRecords.FullyPopulated();

        record.Seal().Hash.ToArray().ShouldNotBe((record with { Outcome = "withdrawn" }).Seal().Hash.ToArray());
    }

    [Fact]
    public void Encode_RecordOverMaxRecordBytes_Throws()
    {
        var record = TestRecords.FullyPopulated() with { Body = new string('x', AuditRecordCodec.MaxRecordBytes) };

        var ex = Should.Throw<MeshProtocolException>(() => AuditRecordCodec.Encode(record));

        ex.Message.ShouldContain(AuditRecordCodec.MaxRecordBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void GenesisHash_Always_Is32ZeroBytes()
    {
        AuditRecordCodec.GenesisHash.ToArray().ShouldBe(new byte[32]);
        ChainHead.Genesis.ShouldBe(new ChainHead(0, new byte[32]));
    }
}
