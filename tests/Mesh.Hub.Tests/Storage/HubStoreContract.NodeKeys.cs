using System.Security.Cryptography;
using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Identity;

namespace Mesh.Hub.Tests.Storage;

public abstract partial class HubStoreContract
{
    private static byte[] NewPublicKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }

    [Fact]
    public void RegisterNodeKey_ThenReopen_PinnedAndTheSameKeyAgainChangesNothing()
    {
        var der = NewPublicKey();
        var at = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
        using (var store = Open())
        {
            var pinned = store.RegisterNodeKey(_node, der, at);
            (pinned.Fingerprint, pinned.Source, pinned.CheckpointSeq).ShouldBe((NodePublicKey.Fingerprint(der), StoredNodeKey.Registered, (long?)null));
        }
        using var reopened = Open();
        var key = reopened.FindNodeKey(_node).ShouldNotBeNull();
        key.PublicKeyDer.ShouldBe(der);
        key.PinnedAtMs.ShouldBe(new DateTimeOffset(at).ToUnixTimeMilliseconds());
        reopened.RegisterNodeKey(_node, der, at.AddHours(1)).PinnedAtMs.ShouldBe(key.PinnedAtMs);
    }

    [Fact]
    public void RegisterNodeKey_AnotherKeyPinned_RefusedUnlessReplaced()
    {
        byte[] first = NewPublicKey(), second = NewPublicKey();
        using var store = Open();
        store.RegisterNodeKey(_node, first, DateTime.UtcNow);

        var ex = Should.Throw<InvalidOperationException>(() => store.RegisterNodeKey(_node, second, DateTime.UtcNow));
        ex.Message.ShouldContain(NodePublicKey.Fingerprint(first));
        store.FindNodeKey(_node)!.PublicKeyDer.ShouldBe(first);

        store.RegisterNodeKey(_node, second, DateTime.UtcNow, replace: true);
        using var reopened = Open();
        reopened.FindNodeKey(_node)!.PublicKeyDer.ShouldBe(second);
    }

    [Fact]
    public void RegisterNodeKey_NotAP256Key_RefusedAndNothingPinned()
    {
        using var store = Open();
        using var rsa = RSA.Create(2048);

        Should.Throw<ArgumentException>(() => store.RegisterNodeKey(_node, [1, 2, 3], DateTime.UtcNow));
        Should.Throw<ArgumentException>(() => store.RegisterNodeKey(_node, rsa.ExportSubjectPublicKeyInfo(), DateTime.UtcNow));
        store.FindNodeKey(_node).ShouldBeNull();
    }

    [Fact]
    public void Append_CheckpointReports_PinTheFirstKeyAndTrackTheLastCheckpoint()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = key.ExportSubjectPublicKeyInfo();
        var fingerprint = NodePublicKey.Fingerprint(der);
        var chain = new TestChain(_node, _site);
        chain.Next(3);
        var first = chain.AppendCheckpoint(key);
        chain.Next(2);
        var second = chain.AppendCheckpoint(key);
        NodeReports.Report Report(AuditRecord r) => new NodeReports.CheckpointSigned(_node, _site, r.Sequence, r.Hlc.WallMillis, r.Sequence - 1, der, fingerprint);
        using (var store = Open())
        {
            store.Append(_node, _site, ChainHead.Genesis, ToStore(chain.Range(1, 4)), 4, DateTime.UtcNow, [Report(first)]);
            store.FindNodeKey(_node)!.CheckpointSeq.ShouldBe(4);
            store.Append(_node, _site, HeadOf(chain, 4), ToStore(chain.Range(5, 7)), 7, DateTime.UtcNow, [Report(second)]);
        }

        using var reopened = Open();
        var pinned = reopened.FindNodeKey(_node).ShouldNotBeNull();
        (pinned.Fingerprint, pinned.Source, pinned.CheckpointSeq, pinned.CheckpointAtMs).ShouldBe((fingerprint, StoredNodeKey.FirstUse, (long?)7, (long?)second.Hlc.WallMillis));
        pinned.PinnedAtMs.ShouldBe(first.Hlc.WallMillis);
    }
}
